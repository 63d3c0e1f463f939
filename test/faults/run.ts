/**
 * `npm run test:faults [-- --seed N]`: runs the fault suite's vitest projects with one seed and
 * prints the counts every scenario recorded. Exits non-zero when a test failed or any invariant broke.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatReport, readReport } from './lib/report';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? args[seedAt + 1] : String(Math.floor(Math.random() * 2 ** 31));
if (!seed || !/^\d+$/.test(seed)) {
  console.error('--seed needs a non-negative integer');
  process.exit(2);
}
const passThrough = args.filter((_, i) => i !== seedAt && i !== seedAt + 1);
const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'directive-engine-faults-')), 'report.jsonl');

console.log(`fault suite: seed ${seed} (repeat with: npm run test:faults -- --seed ${seed})`);
const started = Date.now();
const vitest = spawnSync('npx', ['vitest', 'run', '--project', 'faults-requests', '--project', 'faults-processes', ...passThrough], {
  stdio: 'inherit',
  env: { ...process.env, FAULTS_SEED: seed, FAULTS_REPORT_FILE: reportFile },
});
const rows = readReport(reportFile);
console.log(`\nfault suite report (seed ${seed}, ${((Date.now() - started) / 60_000).toFixed(1)} min)\n`);
console.log(rows.length ? formatReport(rows) : '(no scenario recorded counts)');
const violations = rows.reduce((s, r) => s + r.invariantViolations, 0);
process.exit(vitest.status !== 0 ? (vitest.status ?? 1) : violations > 0 ? 1 : 0);
