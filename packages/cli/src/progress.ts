/**
 * What a run shows while it works: a progress bar per generation on a terminal (on stderr), and
 * a line for every retry (at most one per 2 s for overload) when there is no terminal.
 */

import type { RunOptions } from '@galapagos/client';
import cliProgress from 'cli-progress';

type Retry = Parameters<NonNullable<RunOptions['onRetry']>>[0];

/** Rates are shown once a generation has run this long (a fraction of a second says nothing). */
const MIN_RATE_SECONDS = 0.5;
const OVERLOAD_LINE_EVERY_MS = 2000;
/** Penalised genomes named on stderr before the rest are only counted. */
const NAMED_FAILURES = 10;

export interface Progress {
  readonly onProgress: NonNullable<RunOptions['onProgress']>;
  readonly onRetry: NonNullable<RunOptions['onRetry']>;
  readonly onPenalised: NonNullable<RunOptions['onPenalised']>;
  /** Ends the current bar (before a logbook line or an error). */
  stop(): void;
}

function retryLine(retry: Retry): string {
  return retry.overload
    ? `target busy (${retry.error.code}); waiting, ${retry.concurrency} requests in flight at most`
    : `${retry.error.code}: ${retry.error.message}; retrying a batch of ${retry.genomes} genomes (attempt ${retry.attempt + 1}, ${retry.retriesLeft} retries left)`;
}

/**
 * A rate for the bar: evaluations done since the generation's first report (which holds the
 * fitness taken from the cache, done at once) per second; `-/s` while too early to tell.
 */
export function rateLabel(evaluated: number, seconds: number): string {
  if (seconds < MIN_RATE_SECONDS) return '-/s';
  const perSecond = evaluated / seconds;
  return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s`;
}

/**
 * The bar's rate counts the evaluations done since the generation's first report, so that
 * fitness taken from the cache (reported at once) does not make it soar.
 */
export function createProgress(options: {
  bar: boolean;
  /** The run's worker utilisation so far, where the target reports it. */
  utilisation?: () => number | undefined;
}): Progress {
  const bar = options.bar
    ? new cliProgress.SingleBar(
        {
          format: 'gen {gen} [{bar}] {value}/{total} evaluations | {rate}{util} {note}',
          stream: process.stderr,
          clearOnComplete: true,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let generation = -1;
  let started = 0;
  let doneAtStart = 0;
  let lastOverloadLine = Number.NEGATIVE_INFINITY;
  let penalised = 0;
  const util = () => {
    const u = options.utilisation?.();
    return u === undefined ? '' : ` | workers ${(u * 100).toFixed(0)} % busy`;
  };
  const rate = (done: number) =>
    rateLabel(done - doneAtStart, (performance.now() - started) / 1000);
  return {
    onProgress(gen, done, total) {
      if (!bar) return;
      if (gen !== generation) {
        generation = gen;
        started = performance.now();
        doneAtStart = done;
        bar.start(total, done, { gen, rate: '-/s', util: util(), note: '' });
        return;
      }
      bar.update(done, { gen, rate: rate(done), util: util(), note: '' });
    },
    onRetry(retry) {
      // On a terminal the bar says what the run is waiting for.
      if (bar) {
        bar.update({
          note: retry.overload
            ? `| target busy, ${retry.concurrency} in flight`
            : `| waiting for target (${retry.error.code}), retry ${retry.attempt}, ${retry.retriesLeft} left`,
        });
        return;
      }
      // Otherwise a line; overload, which may last, at most every 2 s.
      const now = performance.now();
      if (retry.overload && now - lastOverloadLine < OVERLOAD_LINE_EVERY_MS) return;
      if (retry.overload) lastOverloadLine = now;
      process.stderr.write(`galapagos: ${retryLine(retry)}\n`);
    },
    onPenalised(failure, penalty) {
      // Each named, up to a few: the summary counts them all.
      penalised++;
      if (penalised > NAMED_FAILURES) return;
      bar?.stop();
      process.stderr.write(
        `galapagos: ${failure.code}: ${failure.message}; given the penalty ${penalty}${penalised === NAMED_FAILURES ? ' (further failures are counted in the summary)' : ''}\n`,
      );
    },
    stop: () => bar?.stop(),
  };
}
