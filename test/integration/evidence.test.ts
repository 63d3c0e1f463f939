import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createActivities } from '../../activities';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit, aUserWithToken } from '../helpers/users';

const MAX_BYTES = 64 * 1024;

/** A tiny PDF: a catalog and one empty page. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n' +
    'xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n' +
    'trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n188\n%%EOF\n',
  'latin1',
);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Reads a download as raw bytes whatever its type (superagent hands the parser the response stream). */
const asBytes = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('evidence files over HTTP (dev server + PostgreSQL)', () => {
  const db = testDb();
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let app: ReturnType<typeof createApp>;
  let secretariat: string;
  let leadUnit: string;
  let lead: string;
  let coordinating: string;
  let stranger: string;
  let inspector: string;
  let coordinatingUnits: string[];

  beforeAll(async () => {
    env = await devServerEnv();
    const w = await testWorker(env.nativeConnection, createActivities({ db }));
    worker = w.worker;
    running = worker.run();
    app = createApp({ db, temporal: env.client, taskQueue: w.taskQueue, logger: pino({ level: 'silent' }), evidenceMaxBytes: MAX_BYTES });
    const office = await aUnit(db, 'VPTU');
    leadUnit = await aUnit(db, 'SKHCN');
    const coordinatingUnit = await aUnit(db, 'STC');
    const unrelatedUnit = await aUnit(db, 'SYT');
    const inspection = await aUnit(db, 'UBKT');
    secretariat = (await aUserWithToken(db, office, ['secretariat'])).auth;
    lead = (await aUserWithToken(db, leadUnit, ['unit_officer'])).auth;
    coordinating = (await aUserWithToken(db, coordinatingUnit, ['unit_officer'])).auth;
    stranger = (await aUserWithToken(db, unrelatedUnit, ['unit_officer'])).auth;
    inspector = (await aUserWithToken(db, inspection, ['inspector'])).auth;
    coordinatingUnits = [coordinatingUnit];
  });

  afterAll(async () => {
    worker.shutdown();
    await running;
    await env.teardown();
    await db.destroy();
  });

  /** Launches a task with all "6 rõ" and waits for its row, which every evidence route checks against. */
  async function aTask(): Promise<string> {
    const res = await request(app)
      .post('/api/v1/tasks')
      .set('authorization', secretariat)
      .send({
        directiveNumber: `01-TB/CQTT-${uniq()}`,
        ref: '2.3 (1)',
        title: 'Thuê hạ tầng Data Center',
        leadUnit,
        coordinatingUnits,
        responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
        deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
        assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
        decidedBy: 'VP_TU',
        expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
      })
      .expect(202);
    await expect.poll(async () => (await request(app).get(res.headers.location).set('authorization', secretariat)).status, { timeout: 15_000 }).toBe(200);
    return res.body.id;
  }

  const evidenceRows = (taskId: string) => db.selectFrom('evidence').select(['id', 'status', 'sha256']).where('task_id', '=', taskId).execute();

  it('stores a PDF from the lead unit with its SHA-256, has the workflow record it, and gives the same bytes back', async () => {
    const taskId = await aTask();
    const fileName = 'Biên bản nghiệm thu hạ tầng DC.pdf';
    const res = await request(app)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', lead)
      .field('description', 'Biên bản nghiệm thu')
      .attach('file', PDF, { filename: fileName, contentType: 'application/pdf' })
      .expect(201);
    const { evidence } = res.body;
    expect(evidence).toMatchObject({ sha256: sha256(PDF), size: PDF.length, contentType: 'application/pdf', fileName });
    expect(evidence.id).toMatch(/^ev_[A-Za-z0-9_-]{16}$/);
    expect(res.headers.location).toBe(`/api/v1/tasks/${taskId}/evidence/${evidence.id}`);
    expect(res.body.state.evidence).toEqual([expect.objectContaining({ evidenceId: evidence.id, sha256: sha256(PDF), description: 'Biên bản nghiệm thu' })]);
    expect(await evidenceRows(taskId)).toEqual([{ id: evidence.id, status: 'attached', sha256: sha256(PDF) }]);

    for (const reader of [lead, inspector, secretariat]) {
      const download = await request(app).get(res.headers.location).set('authorization', reader).buffer(true).parse(asBytes).expect(200);
      expect(Buffer.compare(download.body, PDF)).toBe(0);
      expect(download.headers).toMatchObject({
        'content-type': 'application/pdf',
        'content-length': String(PDF.length),
        etag: `"${sha256(PDF)}"`,
        'x-content-sha256': sha256(PDF),
        'x-content-type-options': 'nosniff',
      });
      expect(download.headers['content-disposition']).toBe(
        `attachment; filename="Bien ban nghiem thu ha tang DC.pdf"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      );
    }
    const history = await request(app).get(`/api/v1/tasks/${taskId}/history`).set('authorization', inspector).expect(200);
    expect(history.body.events.map((e: { kind: string }) => e.kind)).toContain('evidence_attached');
  });

  it('keeps an unrelated unit from uploading to or downloading from a task (403), and answers 404 for unknown ones', async () => {
    const taskId = await aTask();
    const upload = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', stranger).attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' }).expect(403);
    expect(upload.headers['content-type']).toMatch(/application\/problem\+json/);
    const attached = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' }).expect(201);

    const refused = await request(app).get(attached.headers.location).set('authorization', stranger).expect(403);
    expect(refused.body).toMatchObject({ type: 'forbidden', title: 'Không có quyền' });
    await request(app).get(`/api/v1/tasks/${taskId}/evidence/ev_khongcominhchung`).set('authorization', lead).expect(404);
    await request(app).get(`/api/v1/tasks/khong-co.1/evidence/${attached.body.evidence.id}`).set('authorization', inspector).expect(404);
    // The inspection committee reads everything and writes nothing.
    await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', inspector).attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' }).expect(403);
    expect(await evidenceRows(taskId)).toHaveLength(1);
  });

  it('refuses a file over the limit with 413 and keeps nothing', async () => {
    const taskId = await aTask();
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 0x20)]);
    const res = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).attach('file', big, { filename: 'lon.pdf', contentType: 'application/pdf' }).expect(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'payload-too-large', title: 'Tệp quá lớn', detail: expect.stringContaining(String(MAX_BYTES)) });
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('refuses bytes that are not what the upload declares with 415, naming both types, and keeps nothing', async () => {
    const taskId = await aTask();
    const res = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).attach('file', PNG, { filename: 'anh.pdf', contentType: 'application/pdf' }).expect(415);
    expect(res.body).toMatchObject({ type: 'unsupported-media-type', detail: expect.stringMatching(/application\/pdf.*image\/png/) });
    const binaryAsText = await request(app)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', lead)
      .attach('file', Buffer.from([0x00, 0xff, 0x10, 0x80]), { filename: 'so-lieu.csv', contentType: 'text/csv' })
      .expect(415);
    expect(binaryAsText.body.detail).toContain('text/csv');
    await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).attach('file', PNG, { filename: 'anh.gif', contentType: 'image/gif' }).expect(415);
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('accepts UTF-8 text as CSV and serves it with its charset', async () => {
    const taskId = await aTask();
    const csv = Buffer.from('Đơn vị,Tỷ lệ phủ sóng 5G\nSở TT&TT,58.4\n', 'utf8');
    const res = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', coordinating).attach('file', csv, { filename: 'phu-song.csv', contentType: 'text/csv' }).expect(201);
    const download = await request(app).get(res.headers.location).set('authorization', lead).buffer(true).parse(asBytes).expect(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.body.toString('utf8')).toBe(csv.toString('utf8'));
  });

  it('answers 400 without a file and 415 for a JSON body, and keeps nothing', async () => {
    const taskId = await aTask();
    const missing = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).field('description', 'quên tệp').expect(400);
    expect(missing.body.errors).toEqual([{ path: 'file', reason: 'bắt buộc' }]);
    await request(app)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .set('authorization', lead)
      .send({ evidenceId: 'ev_1', fileName: 'a.pdf', sha256: sha256(PDF), contentType: 'application/pdf', size: PDF.length })
      .expect(415);
    await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', lead).attach('other', PDF, { filename: 'a.pdf', contentType: 'application/pdf' }).expect(400);
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('keeps no file when the workflow refuses it (a cancelled task), from the lead or a coordinating unit', async () => {
    const taskId = await aTask();
    await request(app).post(`/api/v1/tasks/${taskId}/cancel`).set('authorization', secretariat).send({ reason: 'Nội dung đã được thay thế bởi văn bản khác' }).expect(200);
    for (const uploader of [lead, coordinating]) {
      const res = await request(app).post(`/api/v1/tasks/${taskId}/evidence`).set('authorization', uploader).attach('file', PDF, { filename: 'muon.pdf', contentType: 'application/pdf' }).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('does not serve a file the workflow never recorded', async () => {
    const taskId = await aTask();
    const id = `ev_${uniq()}`;
    await db
      .insertInto('evidence')
      .values({ id, task_id: taskId, sha256: sha256(PDF), file_name: 'treo.pdf', content_type: 'application/pdf', size: PDF.length, content: PDF, uploaded_by: 'x', unit_code: leadUnit })
      .execute();
    await request(app).get(`/api/v1/tasks/${taskId}/evidence/${id}`).set('authorization', lead).expect(404);
  });
});
