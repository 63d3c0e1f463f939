import { describe, expect, it } from 'vitest';
import { useApiWorld } from '../helpers/api-world';
import { PDF, PNG, asBytes, sha256 } from '../helpers/fixtures';
import { uniq } from '../helpers/servers';

const MAX_BYTES = 64 * 1024;

describe('evidence files over HTTP (dev server + PostgreSQL)', () => {
  const w = useApiWorld({ evidenceMaxBytes: MAX_BYTES });
  const { db, by } = w;
  const { lead: leadUnit } = w.units;
  const { secretariat, lead, coordinating } = w.people;
  const stranger = w.person(w.unit('SYT'), ['unit_officer']);
  const inspector = w.person(w.unit('UBKT'), ['inspector']);

  /** Launches a task with all "6 rõ" and waits for its row, which every evidence route checks against. */
  const aTask = () => w.launch();

  const evidenceRows = (taskId: string) =>
    db.selectFrom('evidence').select(['id', 'status', 'sha256']).where('task_id', '=', taskId).execute();

  it('stores a PDF from the lead unit with its SHA-256, has the workflow record it, and gives the same bytes back', async () => {
    const taskId = await aTask();
    const fileName = 'Biên bản nghiệm thu hạ tầng DC.pdf';
    const res = await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .field('description', 'Biên bản nghiệm thu')
      .attach('file', PDF, { filename: fileName, contentType: 'application/pdf' })
      .expect(201);
    const { evidence } = res.body;
    expect(evidence).toMatchObject({ sha256: sha256(PDF), size: PDF.length, contentType: 'application/pdf', fileName });
    expect(evidence.id).toMatch(/^ev_[A-Za-z0-9_-]{16}$/);
    expect(res.headers.location).toBe(`/api/v1/tasks/${taskId}/evidence/${evidence.id}`);
    expect(res.body.state.evidence).toEqual([
      expect.objectContaining({ evidenceId: evidence.id, sha256: sha256(PDF), description: 'Biên bản nghiệm thu' }),
    ]);
    expect(await evidenceRows(taskId)).toEqual([{ id: evidence.id, status: 'attached', sha256: sha256(PDF) }]);

    for (const reader of [lead, inspector, secretariat]) {
      const download = await by(reader).get(res.headers.location).buffer(true).parse(asBytes).expect(200);
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
    const history = await by(inspector).get(`/api/v1/tasks/${taskId}/history`).expect(200);
    expect(history.body.events.map((e: { kind: string }) => e.kind)).toContain('evidence_attached');
  });

  it('keeps an unrelated unit from uploading to or downloading from a task (403), and answers 404 for unknown ones', async () => {
    const taskId = await aTask();
    const upload = await by(stranger)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' })
      .expect(403);
    expect(upload.headers['content-type']).toMatch(/application\/problem\+json/);
    const attached = await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' })
      .expect(201);

    const refused = await by(stranger).get(attached.headers.location).expect(403);
    expect(refused.body).toMatchObject({ type: 'forbidden', title: 'Không có quyền' });
    await by(lead).get(`/api/v1/tasks/${taskId}/evidence/ev_khongcominhchung`).expect(404);
    await by(inspector).get(`/api/v1/tasks/khong-co.1/evidence/${attached.body.evidence.id}`).expect(404);
    // The inspection committee reads everything and writes nothing.
    await by(inspector)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', PDF, { filename: 'x.pdf', contentType: 'application/pdf' })
      .expect(403);
    expect(await evidenceRows(taskId)).toHaveLength(1);
  });

  it('refuses a file over the limit with 413 and keeps nothing', async () => {
    const taskId = await aTask();
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_BYTES, 0x20)]);
    const res = await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', big, { filename: 'lon.pdf', contentType: 'application/pdf' })
      .expect(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'payload-too-large', title: 'Tệp quá lớn', detail: expect.stringContaining(String(MAX_BYTES)) });
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('refuses bytes that are not what the upload declares with 415, naming both types, and keeps nothing', async () => {
    const taskId = await aTask();
    const res = await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', PNG, { filename: 'anh.pdf', contentType: 'application/pdf' })
      .expect(415);
    expect(res.body).toMatchObject({ type: 'unsupported-media-type', detail: expect.stringMatching(/application\/pdf.*image\/png/) });
    const binaryAsText = await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', Buffer.from([0x00, 0xff, 0x10, 0x80]), { filename: 'so-lieu.csv', contentType: 'text/csv' })
      .expect(415);
    expect(binaryAsText.body.detail).toContain('text/csv');
    await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', PNG, { filename: 'anh.gif', contentType: 'image/gif' })
      .expect(415);
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('accepts UTF-8 text as CSV and serves it with its charset', async () => {
    const taskId = await aTask();
    const csv = Buffer.from('Đơn vị,Tỷ lệ phủ sóng 5G\nSở TT&TT,58.4\n', 'utf8');
    const res = await by(coordinating)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('file', csv, { filename: 'phu-song.csv', contentType: 'text/csv' })
      .expect(201);
    const download = await by(lead).get(res.headers.location).buffer(true).parse(asBytes).expect(200);
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.body.toString('utf8')).toBe(csv.toString('utf8'));
  });

  it('answers 400 without a file and 415 for a JSON body, and keeps nothing', async () => {
    const taskId = await aTask();
    const missing = await by(lead).post(`/api/v1/tasks/${taskId}/evidence`).field('description', 'quên tệp').expect(400);
    expect(missing.body.errors).toEqual([{ path: 'file', reason: 'bắt buộc' }]);
    await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .send({ evidenceId: 'ev_1', fileName: 'a.pdf', sha256: sha256(PDF), contentType: 'application/pdf', size: PDF.length })
      .expect(415);
    await by(lead)
      .post(`/api/v1/tasks/${taskId}/evidence`)
      .attach('other', PDF, { filename: 'a.pdf', contentType: 'application/pdf' })
      .expect(400);
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('keeps no file when the workflow refuses it (a cancelled task), from the lead or a coordinating unit', async () => {
    const taskId = await aTask();
    await by(secretariat).post(`/api/v1/tasks/${taskId}/cancel`).send({ reason: 'Nội dung đã được thay thế bởi văn bản khác' }).expect(200);
    for (const uploader of [lead, coordinating]) {
      const res = await by(uploader)
        .post(`/api/v1/tasks/${taskId}/evidence`)
        .attach('file', PDF, { filename: 'muon.pdf', contentType: 'application/pdf' })
        .expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await evidenceRows(taskId)).toEqual([]);
  });

  it('does not serve a file the workflow never recorded', async () => {
    const taskId = await aTask();
    const id = `ev_${uniq()}`;
    await db
      .insertInto('evidence')
      .values({
        id,
        task_id: taskId,
        sha256: sha256(PDF),
        file_name: 'treo.pdf',
        content_type: 'application/pdf',
        size: PDF.length,
        content: PDF,
        uploaded_by: 'x',
        unit_code: leadUnit,
      })
      .execute();
    await by(lead).get(`/api/v1/tasks/${taskId}/evidence/${id}`).expect(404);
  });
});
