/**
 * The fitness server as a Fastify app: small plugins, each one concern (see `plugins/`), and
 * the routes. It never listens: `main.ts` does, the Lambda and Azure entries forward events
 * to it, and tests call `app.inject`. The worker pool starts with `app.ready()` and stops with
 * `app.close()`.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { limitConnections } from './connections.js';
import { bounded, errorBody } from './errors.js';
import { defaultOptions, type ServerOptions } from './options.js';
import { answerParserError } from './parser-errors.js';
import { admissionPlugin } from './plugins/admission.js';
import { authPlugin } from './plugins/auth.js';
import './plugins/decorations.js';
import { useFastJsonBodies } from './json-body.js';
import { lazySchemaCompilers } from './lazy-schemas.js';
import { docsPlugin } from './plugins/docs.js';
import { errorsPlugin } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { poolPlugin } from './plugins/pool.js';
import { runsPlugin } from './plugins/runs.js';
import { shutdownPlugin } from './plugins/shutdown.js';
import { routes } from './routes.js';

export { INTERNAL_HEADER } from './plugins/auth.js';

/** Builds the fitness server with these options over the defaults (see {@link ServerOptions}). */
export function buildApp(
  overrides: Partial<ServerOptions> & {
    /** @deprecated the old name of `threads` */
    readonly workers?: number;
  } = {},
): FastifyInstance {
  const { workers, ...given } = overrides;
  const options: ServerOptions = {
    ...defaultOptions(),
    ...(workers === undefined ? {} : { threads: workers }),
    ...given,
  };
  const app = Fastify({
    logger: options.logLevel === false ? false : { level: options.logLevel },
    bodyLimit: options.bodyLimit,
    return503OnClosing: false,
    ...(options.lazyStart ? { schemaController: { compilersFactory: lazySchemaCompilers } } : {}),
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        allErrors: false,
        // The route schemas are this package's own (TypeBox), compiled in strict mode; checking
        // them against the JSON Schema meta-schema first compiles that (~30 ms of a cold start).
        validateSchema: false,
      },
    },
    // `/one_max_fitness/:bits` takes up to 100,000 bits in its path segment (the default is 100).
    routerOptions: { maxParamLength: 100_000 },
    // Errors Node's HTTP parser raises before Fastify sees a request get a coded body too.
    clientErrorHandler: answerParserError,
    // Errors raised before routing (a malformed URL) get the same coded body as the rest,
    // without echoing a long URL back.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .status(400)
        .send(errorBody('GALAPAGOS_ERR_INVALID_REQUEST', bounded(error.message)));
    },
  });
  // JSON only: a text body is answered 415, not parsed into a string that fails the schema.
  app.removeContentTypeParser('text/plain');
  useFastJsonBodies(app);
  limitConnections(app.server, options.maxConnections);
  app.decorate('settings', options);

  // Order matters for the request hooks: shutdown, then keys, then admission.
  app.register(metricsPlugin);
  app.register(poolPlugin);
  app.register(errorsPlugin);
  app.register(shutdownPlugin);
  app.register(authPlugin);
  app.register(admissionPlugin);
  app.register(docsPlugin);
  app.register(routes);
  app.register(runsPlugin);
  return app;
}
