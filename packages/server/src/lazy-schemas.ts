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

/** `make()`, called the first time the result is asked for, then kept. */
function onFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** A compiler factory of Fastify's (Ajv's, fast-json-stringify's), itself made on first use. */
type Factory<C> = () => (externalSchemas: unknown, options: unknown) => (route: unknown) => C;

const deferredCompiler =
  <C>(factory: Factory<C>) =>
  (externalSchemas: unknown, options: unknown) => {
    // Ajv itself (an instance, its formats) is made when a first route needs it.
    const compiler = onFirstUse(() => factory()(externalSchemas, options));
    return (route: unknown) => onFirstUse(() => compiler()(route));
  };

/** Fastify's `schemaController.compilersFactory`, deferred (see the module comment). */
export const lazySchemaCompilers = {
  buildValidator(externalSchemas: unknown, ajvOptions: unknown) {
    const compilerFor = deferredCompiler(AjvCompiler as unknown as Factory<Validate>)(
      externalSchemas,
      ajvOptions,
    );
    return (route: unknown): Validate => deferredValidator(compilerFor(route));
  },
  buildSerializer(externalSchemas: unknown, serializerOptions: unknown) {
    const compilerFor = deferredCompiler(SerializerSelector as unknown as Factory<Serialize>)(
      externalSchemas,
      serializerOptions,
    );
    return (route: unknown): Serialize => {
      const serialize = compilerFor(route);
      return (data) => serialize()(data);
    };
  },
} as unknown as CompilersFactory;
