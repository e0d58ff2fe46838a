// Puts the worker-thread files the bundled handler starts beside it (see serverless.yml).
import { bundleWorkers } from '@galapagos/server/scripts/bundle-workers';

await bundleWorkers(new URL('.', import.meta.url).pathname);
