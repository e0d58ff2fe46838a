/** `galapagos targets`: health, version, workers and latency of every configured target. */
import { availableParallelism } from 'node:os';
import { resolveHeaders } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createHttpEvaluator } from '../evaluators/http.js';
import { createLambdaEvaluator } from '../evaluators/lambda.js';
import { FAILED, fail } from './fail.js';
import { configFor } from './options.js';

export async function targetsCommand(options: Record<string, unknown>): Promise<number> {
  let config: Config;
  try {
    config = await configFor(options);
  } catch (error) {
    return fail(error, false);
  }
  let unreachable = 0;
  const rows: string[][] = [['target', 'type', 'where', 'status', 'version', 'workers', 'latency']];
  for (const [name, target] of Object.entries(config.targets)) {
    if (target.type === 'embedded') {
      rows.push([
        name,
        'embedded',
        'in-process',
        'ok',
        '-',
        String(target.workers ?? availableParallelism()),
        '-',
      ]);
      continue;
    }
    // The same settings a run uses: a header whose variable is unset is reported, not dropped.
    let headers: Record<string, string> = {};
    if (target.type === 'http') {
      try {
        headers = resolveHeaders(name, target.headers, process.env);
      } catch (error) {
        unreachable++;
        rows.push([
          name,
          'http',
          target.url ?? target.urls?.join(', ') ?? '-',
          `not checked: ${(error as Error).message.split('\n').slice(1).join('; ').trim()}`,
          '-',
          '-',
          '-',
        ]);
        continue;
      }
    }
    const evaluator =
      target.type === 'lambda'
        ? await createLambdaEvaluator({
            functionName: target.function,
            ...(target.qualifier ? { qualifier: target.qualifier } : {}),
            ...(target.region ? { region: target.region } : {}),
            ...(target.endpoint ? { endpoint: target.endpoint } : {}),
          })
        : createHttpEvaluator({ urls: target.urls ?? [target.url!], headers, connections: 1 });
    const onDemand = target.type === 'http' && Boolean(target.spawn);
    for (const h of await evaluator.health()) {
      const status = h.ok
        ? 'ok'
        : onDemand
          ? 'not running (started on demand)'
          : `unreachable: ${h.error}`;
      if (!h.ok && !onDemand) unreachable++;
      rows.push([
        name,
        target.type,
        h.where,
        status,
        h.version ?? '-',
        h.workers ? String(h.workers) : '-',
        h.latencyMs ? `${h.latencyMs.toFixed(1)} ms` : '-',
      ]);
    }
    await evaluator.close();
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  return unreachable > 0 ? FAILED : 0;
}
