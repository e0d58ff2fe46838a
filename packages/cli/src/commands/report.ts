/**
 * `galapagos report FILE -o run.html [--svg run.svg]`: a self-contained HTML report (charts
 * inlined, opens with no network) and a static SVG chart of a checkpoint, a `--json` result
 * or a server run; also what `run --report` and `watch --report` write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '@galapagos/client';
import { convergenceSvg, type ReportView, reportHtml, reportView } from '@galapagos/server/report';
import { fail } from '../fail.js';

export interface ReportFlags {
  readonly output?: string;
  readonly report?: string;
  readonly svg?: string;
  readonly json?: boolean;
}

/** Writes the HTML report and/or the SVG chart the flags ask for, and says where. */
export async function writeReports(
  view: ReportView,
  flags: ReportFlags,
  quiet = false,
): Promise<void> {
  const html = flags.output ?? flags.report;
  const written: string[] = [];
  if (html) {
    await writeFile(html, reportHtml(view));
    written.push(resolve(html));
  }
  if (flags.svg) {
    await writeFile(flags.svg, await convergenceSvg(view));
    written.push(resolve(flags.svg));
  }
  if (!quiet) for (const file of written) process.stderr.write(`report: ${file}\n`);
}

/** Where the flags' report files go, for `--json`. */
export const reportPaths = (flags: ReportFlags) => ({
  ...((flags.output ?? flags.report) ? { report: resolve((flags.output ?? flags.report)!) } : {}),
  ...(flags.svg ? { svg: resolve(flags.svg) } : {}),
});

export async function reportCommand(file: string, flags: ReportFlags): Promise<number> {
  const json = Boolean(flags.json);
  try {
    if (!flags.output && !flags.svg)
      throw new ConfigError('command line', [
        { path: '--output', message: 'say where to write: -o run.html and/or --svg run.svg' },
      ]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(file, [
        { path: '/', message: `cannot read: ${(error as Error).message}` },
      ]);
    }
    const view = reportView(parsed, file);
    if ('error' in view) throw new ConfigError(file, [{ path: '/', message: view.error }]);
    await writeReports(view, flags, json);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, ...reportPaths(flags) })}\n`);
    return 0;
  } catch (error) {
    return fail(error, json);
  }
}
