/** `@galapagos/server`: the Galápagos fitness server as a Fastify app factory. */
export { buildApp } from './app.js';
export {
  errorBody,
  REPLY_CODES,
  RETRY_AFTER_SECONDS,
  type ReplyCode,
  SERVER_ERROR_CODES,
  type ServerErrorCode,
  STATUS_BY_CODE,
} from './errors.js';
export {
  defaultOptions,
  type ListenOptions,
  listenFromEnv,
  optionsFromEnv,
  type ServerOptions,
} from './options.js';
