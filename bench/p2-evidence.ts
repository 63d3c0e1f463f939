/**
 * P2 — evidence submission end to end vs a bare Update round trip plus a bare insert.
 *
 *   tsx bench/p2-evidence.ts [--n 500] [--tasks 100] [--size-kib 200] [--concurrency 1,8]
 *
 * On a dev server with the production worker and a throwaway PostgreSQL, a unit officer
 * uploads n PDF files (size-kib each) to `tasks` assignments of its unit:
 *   end to end  POST /api/v1/tasks/:id/evidence (multipart) → bytes and SHA-256 stored →
 *               attachEvidence Update → recordEvent activity (audit row, read model) →
 *               evidence marked attached → 201;
 *   baseline    the same evidence row inserted directly, then the same attachEvidence Update
 *               sent with the Temporal client, on twin assignments (same state sizes).
 * End-to-end and baseline operations alternate one for one, so load from elsewhere hits both.
 * Target: p99 end to end ≤ 1.5 × the baseline's p99 (p50 reported too).
 */
import { createHash, randomBytes } from 'node:crypto';
import { taskIdFor, workflowIdFor, type DirectiveTaskInput } from '../domain/task';
import type { Actor } from '../domain/schemas/task';
import type { EvidenceCommand } from '../domain/schemas/task-commands';
import { temporal as temporalProto } from '@temporalio/proto';
import * as messages from '../workflows/messages';
import { launchBody, userWithToken } from './lib/fixtures';
import { loadAverage, printMachine, runBench } from './lib/servers';
import { numberFlag, numberListFlag } from './lib/flags';
import { fmt, latencyCheck, now, printFigures, reportResult, runPool, summarize } from './lib/stats';
import type { Check, Figure } from './lib/stats';

const N = numberFlag('n', 500);
const TASKS = numberFlag('tasks', 100);
const SIZE = numberFlag('size-kib', 200) * 1024;
const CONCURRENCY = numberListFlag('concurrency', [1, 8]);
const TASK_QUEUE = 'bench-p2';
const UNIT = 'SCT';

/** Bytes that file-type recognizes as a PDF, padded to `size`. */
function pdf(size: number, i: number): Buffer {
  const head = Buffer.from(
    `%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n% bien ban nghiem thu ${i}\n`,
    'latin1',
  );
  const tail = Buffer.from('\n%%EOF\n', 'latin1');
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length - tail.length)), tail]);
}

runBench(async (bench) => {
  printMachine();
  console.log(
    `P2 evidence: ${N} uploads of ${SIZE / 1024} KiB per concurrency (${CONCURRENCY.join('/')}), over ${TASKS} + ${TASKS} assignments`,
  );
  const pg = await bench.postgres({ poolSize: 10 });
  const { db } = pg;
  const temporal = await bench.devServer();
  await bench.worker(temporal, pg, TASK_QUEUE);
  const { url } = await bench.api(pg, temporal, TASK_QUEUE);
  const login = 'bench.officer';
  const auth = await userWithToken(db, login, UNIT, ['unit_officer']);
  const actor: Actor = { userId: login, unitCode: UNIT, roles: ['unit_officer'] };

  // Twin sets of assignments led by the officer's unit: one for the API, one for the baseline.
  const nowMs = Date.now();
  const launchSet = async (prefix: string) => {
    const inputs: DirectiveTaskInput[] = Array.from({ length: TASKS }, (_, i) => {
      const launch = { ...launchBody(`${prefix}/TB`, i, nowMs, 90), leadUnit: UNIT };
      return {
        taskId: taskIdFor({ directiveNumber: launch.directiveNumber, directiveYear: 2026, directiveIssuer: null }, launch.ref),
        launch,
      };
    });
    await runPool(inputs, 16, (input) =>
      temporal.client.workflow.start('directiveTask', { taskQueue: TASK_QUEUE, workflowId: workflowIdFor(input.taskId), args: [input] }),
    );
    return inputs.map((i) => i.taskId);
  };
  const apiTasks = await launchSet('P2-API');
  const baseTasks = await launchSet('P2-BASE');
  // The API checks the read model before taking an upload: wait for every row.
  for (;;) {
    const { n } = await db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(n) >= 2 * TASKS) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const files = Array.from({ length: 16 }, (_, i) => pdf(SIZE, i));
  let seq = 0;

  const viaApi = async (taskId: string) => {
    const i = seq++;
    const form = new FormData();
    form.append('description', `Biên bản nghiệm thu lần ${i}`);
    form.append('file', new Blob([new Uint8Array(files[i % files.length])], { type: 'application/pdf' }), `bien-ban-${i}.pdf`);
    const res = await fetch(`${url}/api/v1/tasks/${taskId}/evidence`, { method: 'POST', headers: { authorization: auth }, body: form });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST evidence answered ${res.status}: ${text.slice(0, 300)}`);
  };

  const baseline = async (taskId: string) => {
    const i = seq++;
    const bytes = files[i % files.length];
    const command: EvidenceCommand = {
      evidenceId: `ev_base_${i}`,
      fileName: `bien-ban-${i}.pdf`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      contentType: 'application/pdf',
      size: bytes.length,
      description: `Biên bản nghiệm thu lần ${i}`,
    };
    await db
      .insertInto('evidence')
      .values({
        id: command.evidenceId,
        task_id: taskId,
        sha256: command.sha256,
        file_name: command.fileName,
        content_type: command.contentType,
        size: command.size,
        content: bytes,
        uploaded_by: login,
        unit_code: UNIT,
        description: command.description,
      })
      .execute();
    await temporal.client.workflow
      .getHandle(workflowIdFor(taskId))
      .executeUpdate(messages.attachEvidenceUpdate, { args: [{ actor, command }], updateId: command.evidenceId });
  };

  // Warm-up, not counted.
  for (let i = 0; i < 10; i++) {
    await viaApi(apiTasks[i % TASKS]);
    await baseline(baseTasks[i % TASKS]);
  }

  const figures: Figure[] = [];
  const checks: Check[] = [];
  for (const c of CONCURRENCY) {
    const api: number[] = [];
    const base: number[] = [];
    const t0 = now();
    // Each slot does one upload and one baseline operation, timed apart, in alternating order.
    await runPool(
      Array.from({ length: N }, (_, i) => i),
      c,
      async (i) => {
        const task = i % TASKS;
        const steps: [number[], () => Promise<void>][] = [
          [api, () => viaApi(apiTasks[task])],
          [base, () => baseline(baseTasks[task])],
        ];
        if (i % 2) steps.reverse();
        for (const [into, op] of steps) {
          const s = now();
          await op();
          into.push(now() - s);
        }
      },
    );
    const elapsed = now() - t0;
    const a = summarize(api);
    const b = summarize(base);
    console.log(`c=${c}: ${N} uploads + ${N} baseline operations in ${fmt.ms(elapsed)} (load ${loadAverage()})`);
    figures.push({ name: `end to end (HTTP upload) c=${c}`, summary: a }, { name: `baseline (insert + Update) c=${c}`, summary: b });
    checks.push(latencyCheck('P2', `p99 end to end vs baseline, c=${c}`, a.p99, b.p99, 1.5, c === 1));
    checks.push(latencyCheck('P2', `p50 end to end vs baseline, c=${c}`, a.p50, b.p50, 1.5, false));
  }

  // Where one bare Update's time goes, from its workflow's history (server timestamps).
  const history = await temporal.client.workflow.getHandle(workflowIdFor(baseTasks[0])).fetchHistory();
  const events = history.events ?? [];
  const lastAccepted = events
    .map((e) => e.eventType)
    .lastIndexOf(temporalProto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  if (lastAccepted > 0) {
    const steps = events.slice(lastAccepted - 3, lastAccepted + 9);
    const ms = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    console.log('one Update in the history of ' + baseTasks[0] + ' (ms since the previous event):');
    for (let i = 1; i < steps.length; i++) {
      const name = temporalProto.api.enums.v1.EventType[steps[i].eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? String(steps[i].eventType);
      console.log(`  +${String(ms(steps[i]) - ms(steps[i - 1])).padStart(4)} ms  ${name}`);
    }
  }
  const q = await runPool(baseTasks.slice(0, 50), 1, (id) =>
    temporal.client.workflow.getHandle(workflowIdFor(id)).query(messages.getStateQuery),
  );
  figures.push({ name: 'getState query (reference)', summary: summarize(q.latencies) });

  const stored = await db
    .selectFrom('evidence')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  console.log(`evidence rows: ${stored.map((s) => `${s.status} ${s.n}`).join(', ')}`);
  printFigures('P2 figures (latency of one submission)', figures);
  reportResult('P2', { checks, figures, extra: { sizeBytes: SIZE, load: loadAverage() } });
});
