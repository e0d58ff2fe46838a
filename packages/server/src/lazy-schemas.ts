/**
 * Route schema compilers that compile on a route's first use rather than when the app gets
 * ready: Fastify's own (Ajv for validation, fast-json-stringify for replies), deferred. A cold
 * start (a Lambda or Azure function instance) then compiles the one or two routes it is
 * invoked for instead of every route's schemas (some 40 ms). The local server compiles them
 * all up front, so a bad schema fails at start.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type Serialize = (data: unknown) => string;

/** The validator for `route`, compiled at its first call; Fastify reads `errors` after one. */
function deferredValidator(compile: () => Validate): Validate {
  let validate: Validate | undefined;
  const deferred = ((data: unknown) => {
    validate ??= compile();
    return validate(data);
  }) as Validate;
  Object.defineProperty(deferred, 'errors', { get: () => validate?.errors });
  return deferred;
}

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

/** Fastify's `schemaController.compilersFactory`, deferred (see the module comment). */
export const lazySchemaCompilers = {
  buildValidator(externalSchemas: unknown, ajvOptions: unknown) {
    // Ajv itself (an instance, its formats) is made when a first route needs it.
    let compiler: ((route: unknown) => Validate) | undefined;
    const compile = (route: unknown) => {
      compiler ??= (AjvCompiler() as (...args: unknown[]) => (route: unknown) => Validate)(
        externalSchemas,
        ajvOptions,
      );
      return compiler(route);
    };
    return (route: unknown): Validate => deferredValidator(() => compile(route));
  },
  buildSerializer(externalSchemas: unknown, serializerOptions: unknown) {
    let compiler: ((route: unknown) => Serialize) | undefined;
    const compile = (route: unknown) => {
      compiler ??= (SerializerSelector() as (...args: unknown[]) => (route: unknown) => Serialize)(
        externalSchemas,
        serializerOptions,
      );
      return compiler(route);
    };
    return (route: unknown): Serialize => {
      let serialize: Serialize | undefined;
      return (data) => {
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  },
} as unknown as CompilersFactory;
