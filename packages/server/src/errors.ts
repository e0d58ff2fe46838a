/**
 * The server's error catalogue: its own codes, and the HTTP status of every code a reply can
 * carry (core's included). Replies are `{ statusCode, code, error, message }`.
 */
import { STATUS_CODES } from 'node:http';
import {
  ERROR_CODES as CORE_ERROR_CODES,
  type ErrorCode as CoreErrorCode,
  RUN_ERROR_CODES,
} from '@galapagos/core';

export const SERVER_ERROR_CODES = {
  GALAPAGOS_ERR_INVALID_REQUEST:
    'The request does not match the route schema (body, path or query).',
  GALAPAGOS_ERR_INVALID_JSON: 'The request body is not valid JSON.',
  GALAPAGOS_ERR_NOT_FOUND: 'No route matches the method and path.',
  GALAPAGOS_ERR_UNAUTHORIZED: 'An API key is required and was missing or wrong.',
  GALAPAGOS_ERR_BODY_TOO_LARGE: 'The request body is larger than the configured limit.',
  GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE:
    'The request body has a content type the route does not accept.',
  GALAPAGOS_ERR_COST_TOO_HIGH:
    'The simulated cost asked for exceeds the per-genome or per-request cap.',
  GALAPAGOS_ERR_TOO_MANY_GENOMES: 'The request holds more genomes than the configured maximum.',
  GALAPAGOS_ERR_TIMEOUT: 'The evaluation did not finish within the deadline and was abandoned.',
  GALAPAGOS_ERR_SHUTTING_DOWN: 'The server is shutting down and takes no new work.',
  GALAPAGOS_ERR_INTERNAL: 'An unexpected server fault; the message is logged server-side.',
  GALAPAGOS_ERR_HEADERS_TOO_LARGE: 'The request headers exceed the HTTP parser limit.',
  GALAPAGOS_ERR_CLIENT_TIMEOUT: 'The client did not send its whole request in time.',
  GALAPAGOS_ERR_MALFORMED_HTTP:
    'The request is not valid HTTP (bad Content-Length, conflicting framing headers, ...).',
  ...RUN_ERROR_CODES,
} as const;

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;
export type ReplyCode = ServerErrorCode | CoreErrorCode;

/** Every code a reply may carry, with its description. */
export const REPLY_CODES: Readonly<Record<ReplyCode, string>> = {
  ...CORE_ERROR_CODES,
  ...SERVER_ERROR_CODES,
};

/** The HTTP status of each code. */
export const STATUS_BY_CODE: Readonly<Record<ReplyCode, number>> = {
  GALAPAGOS_ERR_INVALID_REQUEST: 400,
  GALAPAGOS_ERR_INVALID_JSON: 400,
  GALAPAGOS_ERR_NOT_FOUND: 404,
  GALAPAGOS_ERR_UNAUTHORIZED: 401,
  GALAPAGOS_ERR_BODY_TOO_LARGE: 413,
  GALAPAGOS_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  GALAPAGOS_ERR_COST_TOO_HIGH: 400,
  GALAPAGOS_ERR_TOO_MANY_GENOMES: 413,
  GALAPAGOS_ERR_TIMEOUT: 504,
  GALAPAGOS_ERR_SHUTTING_DOWN: 503,
  GALAPAGOS_ERR_INTERNAL: 500,
  GALAPAGOS_ERR_HEADERS_TOO_LARGE: 431,
  GALAPAGOS_ERR_CLIENT_TIMEOUT: 408,
  GALAPAGOS_ERR_MALFORMED_HTTP: 400,
  GALAPAGOS_ERR_RUN_NOT_FOUND: 404,
  GALAPAGOS_ERR_TOO_MANY_RUNS: 429,
  GALAPAGOS_ERR_RUN_TOO_LARGE: 413,
  GALAPAGOS_ERR_UNKNOWN_TARGET: 400,
  GALAPAGOS_ERR_RUNS_DISABLED: 501,
  GALAPAGOS_ERR_INVALID_CONFIG: 400,
  GALAPAGOS_ERR_UNKNOWN_PROBLEM: 404,
  GALAPAGOS_ERR_INVALID_PARAMS: 400,
  GALAPAGOS_ERR_INVALID_GENOME: 400,
  GALAPAGOS_ERR_INVALID_FITNESS: 500,
  GALAPAGOS_ERR_INVALID_STATE: 400,
  GALAPAGOS_ERR_RUN_COMPLETE: 409,
  GALAPAGOS_ERR_ABORTED: 499,
  GALAPAGOS_ERR_UNSUPPORTED_OPERATOR: 400,
  GALAPAGOS_ERR_INVALID_COST: 400,
  GALAPAGOS_ERR_OVERLOADED: 503,
  GALAPAGOS_ERR_EVALUATION_FAILED: 500,
  GALAPAGOS_ERR_POOL_CLOSED: 503,
  GALAPAGOS_ERR_INVALID_PROBLEM: 500,
  GALAPAGOS_ERR_PROBLEM_MODULE: 500,
  GALAPAGOS_ERR_PROBLEM_MISMATCH: 409,
};

/** Codes whose replies carry `Retry-After`: the same request may succeed later. */
export const RETRY_AFTER_SECONDS: Partial<Record<ReplyCode, number>> = {
  GALAPAGOS_ERR_OVERLOADED: 1,
  GALAPAGOS_ERR_SHUTTING_DOWN: 5,
  GALAPAGOS_ERR_POOL_CLOSED: 5,
  GALAPAGOS_ERR_TOO_MANY_RUNS: 30,
};

/** Why a server does not start: never a reply, the process exits 2 with one sentence. */
export const STARTUP_ERROR_CODES = {
  GALAPAGOS_ERR_SETTINGS:
    'A setting (a GALAPAGOS_* variable, PORT or HOST) is malformed or out of range.',
  GALAPAGOS_ERR_LISTEN:
    'The server cannot listen on HOST:PORT (the port is in use, privileged, or the address is not local).',
  GALAPAGOS_ERR_REDIS:
    "A fleet worker's Redis refused it: wrong password or user, or a TLS certificate it does not trust.",
  GALAPAGOS_ERR_RUNS:
    'The run service cannot start: its folder cannot be written, its Redis does not answer, or GALAPAGOS_CONFIG is invalid.',
} as const;

export type StartupErrorCode = keyof typeof STARTUP_ERROR_CODES;

/** A server that cannot start as configured (see {@link STARTUP_ERROR_CODES}). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    readonly code: StartupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An error the server answers with its code's status. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ReplyCode,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of an error reply. */
export function errorBody(code: ReplyCode, message: string) {
  const statusCode = STATUS_BY_CODE[code];
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** A message cut to a readable length (some echo the request). */
export const bounded = (message: string, limit = 300) =>
  message.length > limit ? `${message.slice(0, limit)}… (${message.length} characters)` : message;
