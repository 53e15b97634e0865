/** Random record ids: 8 characters of Crockford base32 (no I, L, O, U), e.g. `7F3K9Q2M`. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newId(): string {
  const bytes = randomBytes(8);
  let id = '';
  for (const b of bytes) id += ALPHABET[b & 31];
  return id;
}
