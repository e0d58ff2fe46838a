/** The OpenAPI document at `/docs/json`, and the Swagger UI at `/docs` when its files are on disk. */
import swagger from '@fastify/swagger';
import plugin from 'fastify-plugin';
import { VERSION } from '../version.js';
import { OPEN } from './route-policy.js';

export const docsPlugin = plugin(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Galápagos fitness server',
          version: VERSION,
          description: 'Wire protocol v1: evaluate GA fitness on a worker-thread pool.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          },
        },
      },
    });
    // The UI (and the static-file server under it) is loaded only where it is served: cloud
    // entries, which have no UI, do not pay for importing it at a cold start.
    // Every route under /docs documents, and holds no data: open (see route-policy.ts).
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, ...OPEN };
      });
      if (app.settings.docsUi)
        await scope.register((await import('@fastify/swagger-ui')).default, {
          routePrefix: '/docs',
        });
      else scope.get('/docs/json', { schema: { hide: true } }, async () => scope.swagger());
    });
  },
  { name: 'galapagos-docs' },
);
