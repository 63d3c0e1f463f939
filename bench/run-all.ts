/**
 * Runs every benchmark, one after another, each in a process of its own (its own servers, a
 * clean heap), and prints a summary of the targets.
 *
 *   npm run bench                      # the sizes
 *   npm run bench -- --only p6,p3      # some of them
 *   npm run bench -- --quick           # small sizes, to check that they run
 *
 * Flags after `--only`/`--quick` are passed to every benchmark. The machine is shared: the load
 * average is printed before and after each benchmark.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadAverage, printMachine } from './lib/servers';
import { table, verdict, type Check } from './lib/stats';

const BENCHMARKS = [
  { id: 'p6', file: 'p6-audit-append.ts', quick: ['--n', '1000', '--tasks', '20', '--rounds', '1'] },
  { id: 'p3', file: 'p3-reports.ts', quick: ['--rows', '10000', '--iterations', '50'] },
  { id: 'p1', file: 'p1-launch.ts', quick: ['--n', '100', '--rounds', '1'] },
  { id: 'p2', file: 'p2-evidence.ts', quick: ['--n', '50', '--tasks', '20'] },
  { id: 'p5', file: 'p5-worker-memory.ts', quick: ['--n', '2000', '--step', '500', '--touch', '500'] },
  { id: 'p4', file: 'p4-simulated-year.ts', quick: ['--n', '50'] },
] as const;

interface Outcome {
  id: string;
  code: number;
  seconds: number;
  checks: Check[];
}

function flagValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) {
    const v = argv[i + 1];
    argv.splice(i, 2);
    return v;
  }
  return undefined;
}

function runOne(file: string, args: string[]): Promise<{ code: number; checks: Check[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, file), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let checks: Check[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines)
        if (line.startsWith('BENCH_RESULT ')) checks = (JSON.parse(line.slice('BENCH_RESULT '.length)) as { checks: Check[] }).checks;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, checks }));
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const only = flagValue(argv, 'only')?.split(',');
  const quick = argv.includes('--quick');
  const passThrough = argv.filter((a) => a !== '--quick');
  printMachine();
  const outcomes: Outcome[] = [];
  for (const b of BENCHMARKS) {
    if (only && !only.includes(b.id)) continue;
    const args = [...(quick ? b.quick : []), ...passThrough];
    console.log(`\n==== ${b.id}: tsx bench/${b.file} ${args.join(' ')} (load ${loadAverage()}) ====`);
    const t0 = Date.now();
    const { code, checks } = await runOne(b.file, args);
    outcomes.push({ id: b.id, code, seconds: (Date.now() - t0) / 1000, checks });
    console.log(`==== ${b.id}: exit ${code} after ${((Date.now() - t0) / 1000).toFixed(0)} s (load ${loadAverage()}) ====`);
  }

  console.log('\nSummary (ratio = measured / same-run baseline)');
  console.log(
    table(
      ['bench', 'what', 'measured', 'baseline', 'ratio', 'target', 'verdict'],
      outcomes.flatMap((o) =>
        o.checks.length
          ? o.checks.map((c) => [
              o.id,
              c.primary === false ? `(${c.what})` : c.what,
              c.measured,
              c.baseline,
              c.ratio === null ? '—' : `${c.ratio.toFixed(2)}×`,
              c.target,
              c.primary === false ? `${verdict(c.pass)} (context)` : verdict(c.pass),
            ])
          : [[o.id, `failed (exit ${o.code})`, '', '', '', '', 'ERROR']],
      ),
    ),
  );
  console.log(outcomes.map((o) => `${o.id} ${o.seconds.toFixed(0)} s`).join(', '));
  process.exitCode = outcomes.some((o) => o.code !== 0) ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
