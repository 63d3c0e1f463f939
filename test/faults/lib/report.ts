import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What one scenario did and found; the runner sums these into the suite's report. */
export interface ScenarioCounts {
  scenario: string;
  seed: number;
  /** Times the scenario's workload-then-check cycle ran. */
  runs: number;
  /** Faults injected: kills, restarts, outages, replays, races, hostile requests. */
  faultsInjected: number;
  /** Operations the system acknowledged (2xx) during the scenario. */
  operationsAcknowledged: number;
  /** Broken invariants found; the goal is 0 and the scenario's test fails otherwise. */
  invariantViolations: number;
  /** One line per violation (and any figure worth reading), for the report. */
  notes?: string[];
}

export function reportFile(): string {
  return process.env.FAULTS_REPORT_FILE ?? path.join(os.tmpdir(), 'directive-engine-faults-report.jsonl');
}

/** Appends a scenario's counts to the run's report file (one JSON line each). */
export function recordScenario(counts: ScenarioCounts): void {
  fs.appendFileSync(reportFile(), `${JSON.stringify(counts)}\n`);
}

export function readReport(file = reportFile()): ScenarioCounts[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioCounts);
}

/** The table the runner prints: one row per scenario and the totals. */
export function formatReport(rows: ScenarioCounts[]): string {
  const header = ['scenario', 'runs', 'faults injected', 'operations acknowledged', 'invariant violations'];
  const body = rows.map((r) => [r.scenario, r.runs, r.faultsInjected, r.operationsAcknowledged, r.invariantViolations].map(String));
  const total = (k: 'runs' | 'faultsInjected' | 'operationsAcknowledged' | 'invariantViolations') =>
    String(rows.reduce((s, r) => s + r[k], 0));
  body.push(['TOTAL', total('runs'), total('faultsInjected'), total('operationsAcknowledged'), total('invariantViolations')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const notes = rows.flatMap((r) => (r.notes ?? []).map((n) => `- ${r.scenario}: ${n}`));
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
