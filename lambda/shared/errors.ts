/**
 * The one edge where anything a tool throws becomes a {@link ToolErrorResult}: typed failures
 * keep their code, idempotency and AWS SDK errors are classified, and anything else becomes
 * INTERNAL_ERROR with a generic message — never a stack trace or an internal detail.
 */
import { IdempotencyAlreadyInProgressError, IdempotencyPersistenceLayerError } from '@aws-lambda-powertools/idempotency';
import { ToolFailure, type ToolErrorResult } from '../../catalog/result';

/** Error names the AWS SDK gives to throttling and server-side faults (retried by the SDK first). */
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** Node.js network error codes: the data store cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** The SDK may wrap a network error ("AWS SDK error wrapper for Error: connect ECONNREFUSED ..."). */
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED)\b|socket hang up/;

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** True when the error means the downstream store is unreachable, throttling or failing. */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const e = error as SdkLikeError;
  if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && NETWORK_MESSAGE.test(e.message)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (e.$retryable) return true;
  return isUnavailable(e.cause, depth + 1);
}

/** Map any thrown value to the result contract. `service` names the data store in the message. */
export function toErrorResult(error: unknown, toolName: string, service: string): ToolErrorResult {
  if (error instanceof ToolFailure) return error.toResult();
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return new ToolFailure('CONFLICT', `An identical ${toolName} request is still being processed; call again in a few seconds with the same arguments.`, undefined, true).toResult();
  }
  if (isUnavailable(error) || error instanceof IdempotencyPersistenceLayerError) {
    return new ToolFailure('SERVICE_UNAVAILABLE', `The ${service} is temporarily unavailable; ${toolName} made no change. Try again in a few minutes.`).toResult();
  }
  return new ToolFailure('INTERNAL_ERROR', `${toolName} failed unexpectedly and made no change. The failure was logged for the operators.`).toResult();
}
