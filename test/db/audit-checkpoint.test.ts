import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { createActivities } from '../../activities';
import { checkpointIfDue, checkpointFileName } from '../../app/checkpoint-schedule';
import { checkpointSignatureProblem, generateCheckpointKeys, parseCheckpoint, readKey } from '../../db/audit-checkpoint';
import { createDb, migrateDatabase, migrateToLatest } from '../../db/client';
import { verifyAuditChain } from '../../db/repositories/audit';
import { verifyChains } from '../../db/repositories/audit-checkpoints';
import { auditCheckpoint } from '../../cli/commands/audit-checkpoint';
import { auditKeygen } from '../../cli/commands/audit-keygen';
import { auditVerify } from '../../cli/commands/audit-verify';
import { appRoleUrl, cutTailAsOwner, dropEventAsOwner, editEventAsOwner, rewriteEventAsOwner } from '../helpers/audit-tamper';
import { input, LIFE } from '../helpers/audit-life';
import { runCli } from '../helpers/cli';
import { testDb, uniq } from '../helpers/servers';

/** The error code PostgreSQL gives a statement the role has no right to (42501 insufficient_privilege). */
async function refusal(statement: Promise<unknown>): Promise<string> {
  const err = await statement.then(
    () => null,
    (e: { code?: string; message: string }) => e,
  );
  return err ? `${err.code}: ${err.message}` : 'accepted';
}

describe('the audit trail out of reach of the processes, and checkpoints against its owner', () => {
  const owner = testDb();
  const app = createDb(appRoleUrl(inject('databaseUrl')), 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-checkpoint-'));
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = inject('databaseUrl');

  afterAll(async () => {
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await app.destroy();
    await owner.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A task whose whole life the worker recorded, connected as directive_app. */
  async function recordedTask(): Promise<string> {
    const taskId = `checkpoint-${uniq()}`;
    const { recordEvent } = createActivities({ db: app });
    for (let seq = 1; seq <= LIFE.length; seq++) await recordEvent(input(taskId, seq));
    return taskId;
  }

  const cli = (command: (args: string[]) => Promise<number>, ...args: string[]) => runCli(command, args);

  it('lets the role of the API and the worker record events, read models and outbox rows, and check the schema is current', async () => {
    const taskId = await recordedTask();
    expect(await verifyAuditChain(owner, taskId)).toEqual({ taskId, ok: true, events: LIFE.length, problem: null });
    expect(await owner.selectFrom('notifications').select('key').where('task_id', '=', taskId).execute()).toHaveLength(2);
    expect(await migrateToLatest(app)).toEqual([]);
  });

  it('refuses that role every way of changing the trail: update, delete, truncate, alter, disabling triggers or replication mode', async () => {
    const taskId = await recordedTask();
    const denied = /^42501: (permission denied for table audit_events|must be owner of table audit_events)/;
    expect(await refusal(sql`UPDATE audit_events SET payload = '{}' WHERE task_id = ${taskId} AND seq = 2`.execute(app))).toMatch(denied);
    expect(await refusal(sql`DELETE FROM audit_events WHERE task_id = ${taskId} AND seq = 4`.execute(app))).toMatch(denied);
    expect(await refusal(sql`TRUNCATE audit_events`.execute(app))).toMatch(denied);
    expect(await refusal(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change`.execute(app))).toMatch(denied);
    expect(await refusal(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(app))).toMatch(denied);
    expect(await refusal(sql`ALTER TABLE audit_events DROP COLUMN hash`.execute(app))).toMatch(denied);
    expect(await refusal(sql`SET session_replication_role = replica`.execute(app))).toMatch(/^42501: permission denied to set parameter/);
    expect(await refusal(sql`DELETE FROM audit_checkpoints`.execute(app))).toMatch(/^42501: permission denied for table audit_checkpoints/);
    expect(await refusal(sql`DELETE FROM kysely_migration`.execute(app))).toMatch(/^42501: permission denied for table kysely_migration/);
    expect(await verifyAuditChain(owner, taskId)).toMatchObject({ ok: true, events: LIFE.length });
  });

  it('catches the owner rewriting a signed event and recomputing every later hash, naming the task and the event', async () => {
    const keys = path.join(dir, 'committee');
    expect(await cli(auditKeygen, '--out', keys)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Đã tạo cặp khóa [0-9a-f]{16}/),
    });
    expect(fs.statSync(`${keys}.key`).mode & 0o777).toBe(0o600);
    expect(await cli(auditKeygen, '--out', keys)).toMatchObject({ code: 1, stderr: `Lỗi: tệp đã có, không ghi đè: ${keys}.key\n` });

    const rewritten = await recordedTask();
    const untouched = await recordedTask();
    const file = path.join(dir, 'checkpoint.json');
    const taken = await cli(auditCheckpoint, '--key', `${keys}.key`, '--out', file);
    expect(taken.code).toBe(0);
    const signed = parseCheckpoint(fs.readFileSync(file, 'utf8'));
    expect(signed.tasks.find((t) => t.id === rewritten)).toMatchObject({ seq: LIFE.length });

    await rewriteEventAsOwner(owner, rewritten, 2, { note: 'Đã tiếp nhận đúng hạn' });
    // The chain alone is fooled: every link and hash was recomputed.
    expect(await verifyAuditChain(owner, rewritten)).toEqual({ taskId: rewritten, ok: true, events: LIFE.length, problem: null });

    const verified = await cli(auditVerify, '--checkpoint', file, '--public-key', `${keys}.pub`);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      `Nhiệm vụ ${rewritten}, sự kiện số 2: sự kiện số 2 đã bị viết lại sau khi được ký (mã băm khác bản đã ký)\n`,
    );
    expect(verified.stdout).not.toContain(untouched);
    expect(verified.stdout).toMatch(/Nhật ký KHÔNG toàn vẹn: \d+ nhiệm vụ có sai lệch/);
  });

  it('catches a cut-off tail even when the read model was lowered to match', async () => {
    const { privateKeyPem, publicKeyPem } = generateCheckpointKeys();
    const cut = await recordedTask();
    const signed = await checkpointIfDue(app, { privateKeyPem, intervalMs: 0, dir });
    expect(signed).not.toBeNull();
    expect(fs.existsSync(path.join(dir, checkpointFileName(signed!)))).toBe(true);

    await cutTailAsOwner(owner, cut, 3);
    expect(await verifyAuditChain(owner, cut)).toEqual({ taskId: cut, ok: true, events: 2, problem: null });

    expect(checkpointSignatureProblem(signed!, readKey(publicKeyPem, 'public'))).toBeNull();
    const { findings } = await verifyChains(owner, signed!);
    expect(findings.filter((f) => f.taskId === cut)).toEqual([
      { taskId: cut, seq: 3, kind: 'truncated', reason: `thiếu sự kiện số 3 đến ${LIFE.length} đã được ký (bị cắt ở cuối chuỗi)` },
    ]);
  });

  it('signs a chain the owner had already broken (an event gone from its middle) so the file still reads, and names the gap', async () => {
    const { privateKeyPem, publicKeyPem } = generateCheckpointKeys();
    const gapped = await recordedTask();
    await dropEventAsOwner(owner, gapped, 2);
    const signed = await checkpointIfDue(app, { privateKeyPem, intervalMs: 0, dir });
    const reread = parseCheckpoint(fs.readFileSync(path.join(dir, checkpointFileName(signed!)), 'utf8'));
    expect(checkpointSignatureProblem(reread, readKey(publicKeyPem, 'public'))).toBeNull();
    expect(reread.tasks.find((t) => t.id === gapped)).toMatchObject({ seq: LIFE.length - 1 });
    const { findings } = await verifyChains(owner, reread);
    expect(findings.filter((f) => f.taskId === gapped)).toEqual([
      { taskId: gapped, seq: 3, kind: 'broken', reason: 'thiếu sự kiện số 2 (bị xóa?)' },
    ]);
  });

  it('signs once per interval however many workers ask', async () => {
    const { privateKeyPem } = generateCheckpointKeys();
    const now = new Date(Date.now() + 365 * 24 * 3600_000);
    const intervalMs = 3600_000;
    const attempts = await Promise.all([1, 2, 3].map(() => checkpointIfDue(app, { privateKeyPem, intervalMs, now })));
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await checkpointIfDue(app, { privateKeyPem, intervalMs, now: new Date(now.getTime() + intervalMs - 1) })).toBeNull();
  });

  it('without a checkpoint, recomputes every chain and names an event edited in place', async () => {
    const edited = await recordedTask();
    const clean = await recordedTask();
    await editEventAsOwner(owner, edited, 3, { text: 'Đã hoàn thành 100%', percent: 100 });
    const verified = await cli(auditVerify);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`Nhiệm vụ ${edited}, sự kiện số 3: nội dung sự kiện đã bị sửa (mã băm không khớp)\n`);
    expect(verified.stdout).not.toContain(clean);
  });

  it('gives directive_app the password DATABASE_URL names when the owner migrates', async () => {
    const ownerUrl = inject('databaseUrl');
    const withPassword = new URL(appRoleUrl(ownerUrl));
    withPassword.password = 'mật-khẩu';
    const password = () =>
      sql<{ set: boolean }>`SELECT rolpassword IS NOT NULL AS set FROM pg_authid WHERE rolname = 'directive_app'`.execute(owner);
    try {
      expect(await migrateDatabase(app, { url: withPassword.toString(), migrationUrl: ownerUrl })).toEqual([]);
      expect((await password()).rows).toEqual([{ set: true }]);
    } finally {
      // Other files connect without one (the test server trusts local connections either way).
      await sql`ALTER ROLE directive_app PASSWORD NULL`.execute(owner);
    }
  });

  it('refuses a checkpoint file that was edited or a key that is not the committee’s', async () => {
    const keys = path.join(dir, 'other');
    await cli(auditKeygen, '--out', keys);
    const file = path.join(dir, 'edited.json');
    await cli(auditCheckpoint, '--key', `${keys}.key`, '--out', file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.tasks.pop();
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(await cli(auditVerify, '--checkpoint', file, '--public-key', `${keys}.pub`)).toMatchObject({
      code: 1,
      stderr: 'Lỗi: điểm kiểm tra không đáng tin: gốc Merkle không khớp với danh sách nhiệm vụ (tệp đã bị sửa)\n',
    });
    expect(await cli(auditVerify, '--checkpoint', file)).toMatchObject({ code: 2, stderr: expect.stringContaining('Thiếu --public-key') });
  });
});
