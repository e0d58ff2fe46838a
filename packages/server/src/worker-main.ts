#!/usr/bin/env node
/** `galapagos-worker`: a fleet worker configured from the environment (see `fleet/main.ts`). */
import { workerMain } from './fleet/main.js';

await workerMain(process.env);
