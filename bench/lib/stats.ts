import { performance } from 'node:perf_hooks';

/*
 * Figures for the benchmarks: latency percentiles, throughput, a runner that keeps N
 * operations in flight, and the printed tables (figures, then each target with its ratio to
 * the baseline measured in the same run and PASS/MISS). The last line a benchmark prints is
 * `BENCH_RESULT {json}`, which bench/run-all.ts collects.
 */

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentile of sorted samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Operations per second. */
export const perSecond = (count: number, elapsedMs: number) => (count * 1000) / elapsedMs;

export const now = () => performance.now();

export interface PoolRun {
  /** Wall time from the first start to the last completion. */
  elapsedMs: number;
  /** One latency per operation, in ms. */
  latencies: number[];
  throughput: number;
}

/**
 * Runs `op` over every item with at most `concurrency` in flight, recording each latency.
 * The first failure stops the run and rejects.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  op: (item: T, index: number) => Promise<unknown>,
): Promise<PoolRun> {
  const latencies = new Array<number>(items.length);
  let next = 0;
  const start = now();
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const t0 = now();
      await op(items[i], i);
      latencies[i] = now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  const elapsedMs = now() - start;
  return { elapsedMs, latencies, throughput: perSecond(items.length, elapsedMs) };
}

/** Times one async call. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = now();
  const value = await fn();
  return { value, ms: now() - t0 };
}

// ---- printing ----

export const fmt = {
  ms: (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + ' ms' : '—'),
  rate: (x: number, unit = '/s') => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + unit : '—'),
  ratio: (x: number) => (Number.isFinite(x) ? x.toFixed(2) + '×' : '—'),
  mib: (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`,
};

/** A plain-text table with aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One row of figures: a latency summary, a throughput, or both. */
export interface Figure {
  name: string;
  summary?: Summary;
  throughput?: number;
  note?: string;
}

export function printFigures(title: string, figures: readonly Figure[]): void {
  console.log(`\n${title}`);
  console.log(
    table(
      ['case', 'n', 'p50', 'p95', 'p99', 'max', 'throughput', 'note'],
      figures.map((f) => [
        f.name,
        f.summary ? String(f.summary.n) : '',
        f.summary ? fmt.ms(f.summary.p50) : '',
        f.summary ? fmt.ms(f.summary.p95) : '',
        f.summary ? fmt.ms(f.summary.p99) : '',
        f.summary ? fmt.ms(f.summary.max) : '',
        f.throughput !== undefined ? fmt.rate(f.throughput) : '',
        f.note ?? '',
      ]),
    ),
  );
}

/**
 * A target checked against a baseline measured in the same run. `ratio` is measured/baseline
 * (for throughput, higher is better; for latency, lower is better); `pass` is null when there
 * is nothing to judge.
 */
export interface Check {
  id: string;
  what: string;
  measured: string;
  baseline: string;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  /** The check the target refers to (others are context). */
  primary?: boolean;
}

/** A measure against the baseline's: `target` says which way the ratio must go, `pass` whether it did. */
function ratioCheck(
  id: string,
  what: string,
  [measured, baseline]: [number, number],
  format: (x: number) => string,
  target: string,
  pass: (ratio: number) => boolean,
  primary: boolean,
): Check {
  const ratio = measured / baseline;
  return { id, what, measured: format(measured), baseline: format(baseline), ratio, target, pass: pass(ratio), primary };
}

/** Throughput at least `min` times the baseline's. */
export function throughputCheck(id: string, what: string, measured: number, baseline: number, min: number, primary = true): Check {
  return ratioCheck(
    id,
    what,
    [measured, baseline],
    (x) => fmt.rate(x),
    `≥ ${min}× baseline`,
    (ratio) => ratio >= min,
    primary,
  );
}

/** A latency at most `max` times the baseline's. */
export function latencyCheck(id: string, what: string, measured: number, baseline: number, max: number, primary = true): Check {
  return ratioCheck(id, what, [measured, baseline], fmt.ms, `≤ ${max}× baseline`, (ratio) => ratio <= max, primary);
}

/** An absolute limit (no baseline). */
export function limitCheck(
  id: string,
  what: string,
  measured: number,
  limit: number,
  format: (x: number) => string,
  primary = true,
): Check {
  return {
    id,
    what,
    measured: format(measured),
    baseline: '—',
    ratio: null,
    target: `≤ ${format(limit)}`,
    pass: measured <= limit,
    primary,
  };
}

export const verdict = (pass: boolean | null) => (pass === null ? 'INFO' : pass ? 'PASS' : 'MISS');

export function printChecks(checks: readonly Check[]): void {
  console.log('\nTargets (ratio = measured / baseline, same run)');
  console.log(
    table(
      ['id', 'what', 'measured', 'baseline', 'ratio', 'target', 'verdict'],
      checks.map((c) => [
        c.id,
        c.primary === false ? `(${c.what})` : c.what,
        c.measured,
        c.baseline,
        c.ratio === null ? '—' : fmt.ratio(c.ratio),
        c.target,
        c.primary === false && c.pass !== null ? `${verdict(c.pass)} (context)` : verdict(c.pass),
      ]),
    ),
  );
}

/** The machine-readable line bench/run-all.ts collects. */
export function emitResult(
  id: string,
  result: { checks: readonly Check[]; figures?: readonly Figure[]; extra?: Record<string, unknown> },
): void {
  console.log(`BENCH_RESULT ${JSON.stringify({ id, ...result })}`);
}

/** The end of a benchmark: the targets' verdicts for the reader, then the line bench/run-all.ts collects. */
export function reportResult(
  id: string,
  result: { checks: readonly Check[]; figures?: readonly Figure[]; extra?: Record<string, unknown> },
) {
  printChecks(result.checks);
  emitResult(id, result);
}
