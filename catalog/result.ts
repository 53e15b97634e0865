/**
 * The error contract every tool honours, whichever front door calls it (gateway Lambda target,
 * local MCP server). Success returns the tool's output object as is; a failure returns
 * `{ error: ToolError }` — never a stack trace.
 */
import type { z } from 'zod';
import type { ToolErrorCode } from './tool';

export interface ToolError {
  readonly code: ToolErrorCode;
  /** A sentence the agent can relay to the user. */
  readonly message: string;
  /** Per-field problems for VALIDATION_ERROR: the field path and the expected format. */
  readonly fields?: readonly { readonly field: string; readonly expected: string }[];
  /** Whether calling again later may succeed. */
  readonly retryable: boolean;
}

export interface ToolErrorResult {
  readonly error: ToolError;
}

export function isToolError(value: unknown): value is ToolErrorResult {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as ToolErrorResult).error?.code === 'string';
}

/** Thrown inside handlers; mapped to a {@link ToolErrorResult} at one edge. */
export class ToolFailure extends Error {
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    readonly fields?: ToolError['fields'],
    /** Override of the default: only SERVICE_UNAVAILABLE is retryable. */
    readonly retryableOverride?: boolean,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }

  /** Whether calling again later may succeed. */
  get retryable(): boolean {
    return this.retryableOverride ?? this.code === 'SERVICE_UNAVAILABLE';
  }

  toResult(): ToolErrorResult {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        retryable: this.retryable,
      },
    };
  }
}

/** A zod error as a VALIDATION_ERROR naming each field and what was expected. */
export function validationFailure(toolName: string, error: z.ZodError): ToolFailure {
  const fields = error.issues.flatMap((issue) => {
    // An argument the tool does not have: name each one rather than "(arguments)".
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), expected: 'no such argument: remove it' }));
    }
    if (issue.path.length === 0 && issue.code === 'invalid_type') {
      return [{ field: '(arguments)', expected: 'expected an object of named arguments' }];
    }
    return [{ field: issue.path.length ? issue.path.join('.') : '(arguments)', expected: issue.message }];
  });
  const summary = fields.map((f) => `${f.field}: ${f.expected}`).join('; ');
  return new ToolFailure('VALIDATION_ERROR', `Invalid arguments for ${toolName}: ${summary}`, fields);
}
