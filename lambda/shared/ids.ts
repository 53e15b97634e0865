/** Record ids: 8 characters of Crockford base32 (no I, L, O, U), e.g. `7F3K9Q2M`. */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encode(bytes: Uint8Array): string {
  let id = '';
  for (const b of bytes.subarray(0, 8)) id += ALPHABET[b & 31];
  return id;
}

/** A random id. */
export function newId(): string {
  return encode(randomBytes(8));
}

/** SHA-256 of `value`, hex. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The id a fingerprint ({@link fingerprint}) stands for: the same request always gets the same id. */
export function idFromFingerprint(hex: string): string {
  return encode(Buffer.from(hex.slice(0, 16), 'hex'));
}
