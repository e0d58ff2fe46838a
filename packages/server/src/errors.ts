/**
 * The server's error catalogue, read from core's one entry per code (`reply-codes.ts`: meaning,
 * status, retryability): its own codes, and the status of every code a reply can carry.
 * Replies are `{ statusCode, code, error, message }`.
 */
import { STATUS_CODES } from 'node:http';
import {
  type ErrorCode as CoreErrorCode,
  descriptionsOf,
  HTTP_REPLY_CODES,
  REPLY_CODE_ENTRIES,
  type ReplyCodeEntry,
  RUN_REPLY_CODES,
} from '@galapagos/core';

export const SERVER_ERROR_CODES = descriptionsOf({ ...HTTP_REPLY_CODES, ...RUN_REPLY_CODES });

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;
export type ReplyCode = ServerErrorCode | CoreErrorCode;

/** Every code a reply may carry, with its description. */
export const REPLY_CODES: Readonly<Record<ReplyCode, string>> = descriptionsOf(REPLY_CODE_ENTRIES);

const pick = <T>(field: (entry: ReplyCodeEntry) => T | undefined) =>
  Object.fromEntries(
    Object.entries<ReplyCodeEntry>(REPLY_CODE_ENTRIES)
      .map(([code, entry]) => [code, field(entry)] as const)
      .filter(([, value]) => value !== undefined),
  );

/** The HTTP status of each code (its entry's, core's `reply-codes.ts`). */
export const STATUS_BY_CODE = pick((e) => e.status) as Readonly<Record<ReplyCode, number>>;

/** Codes whose replies carry `Retry-After`: the same request may succeed later. */
export const RETRY_AFTER_SECONDS = pick((e) => e.retryAfterSeconds) as Partial<
  Record<ReplyCode, number>
>;

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
