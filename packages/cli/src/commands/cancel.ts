/** `galapagos cancel ID`: stops a server run after its current generation's batches. */

import { fail } from '../fail.js';
import { cancelRun } from '../remote/api.js';
import { type RemoteFlags, serverFor } from './remote.js';

export async function cancelCommand(id: string, flags: RemoteFlags): Promise<number> {
  const json = Boolean(flags.json);
  try {
    const run = await cancelRun(await serverFor(flags), id);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...run })}\n`);
    else
      process.stdout.write(
        `run ${run.id} ${run.status} at generation ${Math.max(run.generation, 0)} of ${run.generations}\n`,
      );
    return 0;
  } catch (error) {
    return fail(error, json);
  }
}
