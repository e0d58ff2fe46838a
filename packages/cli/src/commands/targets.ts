/** `galapagos targets`: health, version, workers, latency and access of every configured target. */

import { type Config, EXIT_FAILED, probeTarget } from '@galapagos/client';
import { fail } from '../fail.js';
import { type ConfigFlags, configFor } from '../flags.js';

export async function targetsCommand(flags: Pick<ConfigFlags, 'config'>): Promise<number> {
  let config: Config;
  try {
    config = await configFor(flags);
  } catch (error) {
    return fail(error, false);
  }
  let unusable = 0;
  const rows: string[][] = [['target', 'type', 'where', 'status', 'version', 'threads', 'latency']];
  for (const [name, target] of Object.entries(config.targets)) {
    const probes = await probeTarget(target, {
      name,
      connections: 1,
      env: process.env,
      problemModules: [],
      targets: config.targets,
    });
    for (const p of probes) {
      if (!p.usable) unusable++;
      rows.push([
        name,
        target.type,
        p.where,
        p.status,
        p.version ?? '-',
        p.workers ? String(p.workers) : '-',
        p.latencyMs ? `${p.latencyMs.toFixed(1)} ms` : '-',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  return unusable > 0 ? EXIT_FAILED : 0;
}
