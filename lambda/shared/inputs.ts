/**
 * The argument formats of catalog/formats.ts built with `zod/mini`, for the Lambda entries: the same
 * checks with the same error messages, without the full zod API (≈ 20 KB instead of ≈ 90 KB in the
 * bundle, about half the load time). The catalog stays the one definition: a test checks that each
 * spec of lambda/tools/<target>/inputs.ts has the catalog's JSON Schema and gives the same
 * validation result, messages included, on a corpus of good and bad arguments.
 */
import * as z from 'zod/mini';
import { config } from 'zod/v4/core';
import { en } from 'zod/v4/locales';
import type { ToolSpec } from './dispatch';

// Full zod installs the English messages when it loads; zod/mini leaves that to the caller.
// (Every field sets its own message; this covers zod's defaults, e.g. for a nested unknown issue.)
config(en());

/** A tool spec for the Lambda entry: name, target, idempotency and the input schema only. */
export function spec<const N extends string, const T extends string, I extends z.ZodMiniObject>(name: N, target: T, input: I, mutating = false): ToolSpec<I> & { readonly name: N; readonly target: T } {
  return { name, target, input, mutating };
}

/** A closed set: the error names every allowed value (catalog/formats.ts `oneOf`). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}

/** A string with a pattern (catalog/formats.ts `formatted`). */
export function formatted(pattern: RegExp, expected: string) {
  return z.string({ error: expected }).check(z.regex(pattern, { error: expected }));
}

/** Free text with a length range, trimmed (catalog/formats.ts `text`). */
export function text(min: number, max: number) {
  const expected = `expected text of ${min}–${max} characters`;
  return z.string({ error: expected }).check(z.trim(), z.minLength(min, { error: expected }), z.maxLength(max, { error: expected }));
}

/** An integer in a range (catalog/formats.ts `integer`). */
export function integer(min: number, max: number) {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: expected }).check(z.int({ error: expected }), z.minimum(min, { error: expected }), z.maximum(max, { error: expected }));
}
