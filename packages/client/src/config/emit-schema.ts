/** Build step: writes the published JSON Schema of `galapagos.config.json`. */
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from './validate.js';

const file = new URL('../../schema/galapagos.config.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
