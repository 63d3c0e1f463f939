import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { LAUNCH_CONCURRENCY, LAUNCH_MARK_BATCH } from '../../services/directives';
import { taskIdFor, workflowIdFor } from '../../domain/task';
import { directiveIdFor } from '../../domain/directive';
import { countRows } from '../helpers/counts';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';
import { PNG } from '../helpers/fixtures';
import { docx, pdf } from '../helpers/notice-files';
import { SCANNED_PDF_MESSAGE } from '../../intake/document-text';

describe('directives: import, review and launch', () => {
  const w = useApiWorld();
  const { by } = w;
  const { office, lead } = w.units;
  const { secretariat, lead: officer } = w.people;

  const directive = (number: string) => ({
    number,
    issuedOn: '2025-11-04',
    issuer: 'Cơ quan Thường trực Ban Chỉ đạo',
    signer: 'Trịnh Xuân Trường',
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: office,
    items: [
      {
        ref: '2.3 (1)',
        title: 'Thuê hạ tầng Trung tâm dữ liệu (DC)',
        leadUnit: lead,
        responsibleOfficial: 'Giám đốc Sở Khoa học và Công nghệ',
        deadline: { kind: 'date', dueAt: '2026-12-31T23:59:59+07:00' },
        expectedResult: 'Hạ tầng DC được thuê để lưu trữ dữ liệu đám mây',
      },
      { ref: '2.4', title: 'Xây dựng trung tâm an ninh mạng', leadUnit: lead },
    ],
  });

  it('launches only the items that have all "6 rõ", says what the others lack, and never launches an item twice', async () => {
    const number = `01-TB/CQTT-${uniq()}`;
    const created = await by(secretariat).post('/api/v1/directives').send(directive(number)).expect(201);
    expect(created.body.items.map((i: { ref: string; missing: string[] }) => [i.ref, i.missing])).toEqual([
      ['2.3 (1)', []],
      ['2.4', ['person', 'time', 'result']],
    ]);
    const first = await by(secretariat).post(`${created.headers.location}/launch`).send({}).expect(200);
    expect(first.body.results).toEqual([
      { ref: '2.3 (1)', outcome: 'launched', taskId: expect.stringMatching(/\.2-3-1\.[0-9a-f]{12}$/) },
      { ref: '2.4', outcome: 'missing', missing: ['person', 'time', 'result'] },
    ]);
    const again = await by(secretariat)
      .post(`${created.headers.location}/launch`)
      .send({ refs: ['2.3 (1)'] })
      .expect(200);
    expect(again.body.results).toEqual([{ ref: '2.3 (1)', outcome: 'already_launched', taskId: first.body.results[0].taskId }]);

    await by(secretariat)
      .patch(`${created.headers.location}/items/2.4`)
      .send({
        responsibleOfficial: 'Giám đốc Công an tỉnh',
        deadline: { kind: 'date', dueAt: '2026-06-30T23:59:59+07:00' },
        expectedResult: 'Trung tâm giám sát an ninh mạng vận hành',
      })
      .expect(200);
    const second = await by(secretariat)
      .post(`${created.headers.location}/launch`)
      .send({ refs: ['2.4'] })
      .expect(200);
    expect(second.body.results).toEqual([{ ref: '2.4', outcome: 'launched', taskId: expect.stringMatching(/\.2-4\.[0-9a-f]{12}$/) }]);
    await by(secretariat).patch(`${created.headers.location}/items/2.4`).send({ title: 'Sửa sau khi giao' }).expect(409);
  });

  it('imports the same directive from YAML, refuses a second registration of its number, and refuses units', async () => {
    const number = `80/TB-UBND-${uniq()}`;
    const yaml = `number: "${number}"\nissuedOn: "2025-05-14"\ndecidedBy: ${office}\nitems:\n  - ref: "5"\n    title: Phát triển thương mại điện tử\n    leadUnit: ${lead}\n`;
    const created = await by(secretariat).post('/api/v1/directives').set('content-type', 'application/yaml').send(yaml).expect(201);
    expect(created.body).toMatchObject({ number, items: [{ ref: '5', status: 'draft' }] });
    // The same number, year and issuer again; the same number issued another year is another notice.
    const dup = await by(secretariat).post('/api/v1/directives').send({ number, issuedOn: '2025-12-30', items: [] }).expect(409);
    expect(dup.body.detail).toContain(number);
    const nextYear = await by(secretariat).post('/api/v1/directives').send({ number, issuedOn: '2026-01-05', items: [] }).expect(201);
    expect(nextYear.body).toMatchObject({ number, issueYear: 2026 });
    expect(nextYear.body.id).not.toBe(created.body.id);
    await by(officer)
      .post('/api/v1/directives')
      .send({ number: `x-${uniq()}` })
      .expect(403);
    const bad = await by(secretariat)
      .post('/api/v1/directives')
      .send({ number: 'x', items: [{ ref: '1' }, { ref: '1' }] })
      .expect(400);
    expect(bad.body.errors).toEqual([{ path: 'items.1.ref', reason: 'số hiệu mục "1" bị lặp' }]);
  });

  it('previews the text of a notice without writing anything, then registers it with the header the secretariat confirms', async () => {
    // A number the header reader takes whole: digits, then upper-case parts (a run's suffix among them).
    const number = `01-TB/CQTT-X${uniq().toUpperCase()}`;
    const text = [
      `Số: ${number}`,
      'Thái Nguyên, ngày 04 tháng 11 năm 2025',
      'THÔNG BÁO',
      'Đồng chí Trưởng Ban Chỉ đạo kết luận như sau:',
      '1. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thuê hạ tầng Trung tâm dữ liệu, hoàn thành trước ngày 15/12/2025.',
      '2. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.',
    ].join('\n');
    const directiveRows = () => countRows(w.db, 'directives');

    // ---- Preview: 200, the proposal with where each field was read; no row written. ----
    const before = await directiveRows();
    const preview = await by(secretariat)
      .post('/api/v1/directives/extract')
      .set('content-type', 'text/plain; charset=utf-8')
      .send(text)
      .expect(200);
    expect(await directiveRows()).toBe(before);
    expect(preview.headers.location).toBeUndefined();
    const { extract } = preview.body;
    expect(extract.document).toMatchObject({ number, date: '2025-11-04' });
    expect(extract.document.sources.number).toMatchObject({ text: `Số: ${number}`, confidence: 1 });
    const at = (s: { start: number; end: number }) => preview.body.text.slice(s.start, s.end);
    expect(at(extract.document.sources.number)).toBe(`Số: ${number}`);
    expect(extract.items[0].sources.leadUnit).toMatchObject({ text: 'Sở Khoa học và Công nghệ', confidence: 1 });
    expect(at(extract.items[0].sources.deadline)).toBe(extract.items[0].sources.deadline.text);
    await by(secretariat)
      .get(
        `/api/v1/directives/${directiveIdFor({ directiveNumber: number, directiveYear: 2025, directiveIssuer: 'Cơ quan Thường trực Ban Chỉ đạo' })}`,
      )
      .expect(404);

    // ---- Register: the same text, the confirmed issuer, the drafts. ----
    const res = await by(secretariat)
      .post('/api/v1/directives/from-text')
      .send({ text, number, issuer: 'Cơ quan Thường trực Ban Chỉ đạo', issuedOn: '2025-11-04' })
      .expect(201);
    expect(res.headers.location).toBe(`/api/v1/directives/${res.body.directive.id}`);
    expect(res.body.directive).toMatchObject({ number, issuedOn: '2025-11-04', issuer: 'Cơ quan Thường trực Ban Chỉ đạo' });
    expect(res.body.extract.items.map((i: { ref: string }) => i.ref)).toEqual(['1', '2']);
    const [first, second] = res.body.directive.items;
    expect(first.fields).toMatchObject({
      ref: '1',
      leadUnit: 'SKHCN',
      coordinatingUnits: ['STC'],
      deadline: { kind: 'date', dueAt: '2025-12-15T00:00:00+07:00' },
    });
    expect(first.status).toBe('draft');
    // The text names no responsible official, who assigned it, or which office decides: the secretariat fills them in.
    expect(first.missing).toEqual(['person', 'responsibility', 'authority']);
    expect(first.fields.expectedResult).toContain('thuê hạ tầng Trung tâm dữ liệu');
    expect(second.fields).toMatchObject({ ref: '2', leadUnit: 'CA_TINH' });
    expect(second.missing).toEqual(['person', 'time', 'responsibility', 'authority', 'result']);
    await by(secretariat)
      .post('/api/v1/directives/from-text')
      .send({ text, number, issuer: 'Cơ quan Thường trực Ban Chỉ đạo' })
      .expect(409);
    await by(officer)
      .post('/api/v1/directives/from-text')
      .send({ text, number: `x-${uniq()}` })
      .expect(403);
  });

  it('registers a notice without a number only with the number the secretariat gives (422 naming it), and only the items kept', async () => {
    const text = ['THÔNG BÁO', '1. Giao Sở Tài chính bố trí kinh phí.', '2. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.'].join('\n');
    const preview = await by(secretariat)
      .post('/api/v1/directives/extract')
      .set('content-type', 'text/plain; charset=utf-8')
      .send(text)
      .expect(200);
    expect(preview.body.extract.document).toMatchObject({ number: null, sources: { number: null } });
    const refused = await by(secretariat).post('/api/v1/directives/from-text').send({ text }).expect(422);
    expect(refused.body.errors).toEqual([{ path: 'number', reason: expect.stringContaining('bắt buộc') }]);
    const unknown = await by(secretariat)
      .post('/api/v1/directives/from-text')
      .send({ text, number: `${uniq()}/TB-X`, items: ['9'] })
      .expect(422);
    expect(unknown.body.errors).toEqual([{ path: 'items', reason: 'không có mục 9' }]);
    const number = `${uniq()}/TB-X`;
    const created = await by(secretariat)
      .post('/api/v1/directives/from-text')
      .send({ text, number, items: ['2'] })
      .expect(201);
    expect(created.body.directive).toMatchObject({ number, items: [{ ref: '2', fields: { leadUnit: 'CA_TINH' } }] });
    expect(JSON.stringify(created.body)).not.toContain('CHUA-CO-SO');
    await by(secretariat)
      .post('/api/v1/directives/from-text')
      .send({ text, number: `${uniq()}/TB`, numbr: 'x' })
      .expect(400);
  });

  it('reads a notice uploaded as .docx or PDF; a scanned PDF needs OCR first (422) and another file type is 415', async () => {
    const number = `12-TB/BCĐ-X${uniq().toUpperCase()}`;
    const lines = [
      `Số: ${number}`,
      'Thái Nguyên, ngày 15 tháng 01 năm 2026',
      'THÔNG BÁO',
      '1. Giao Sở Tài chính chủ trì bố trí kinh phí, hoàn thành trước ngày 31/3/2026.',
    ];
    const word = await docx(lines);
    const preview = await by(secretariat)
      .post('/api/v1/directives/extract')
      .attach('file', word, {
        filename: 'thong-bao.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      })
      .expect(200);
    expect(preview.body.extract.document).toMatchObject({ number, date: '2026-01-15' });
    expect(preview.body.extract.items).toMatchObject([{ ref: '1', leadUnit: 'Sở Tài chính' }]);

    const created = await by(secretariat)
      .post('/api/v1/directives/from-text')
      .field('issuer', 'Ban Chỉ đạo')
      .attach('file', word, { filename: 'thong-bao.docx' })
      .expect(201);
    expect(created.body.directive).toMatchObject({ number, issuer: 'Ban Chỉ đạo', items: [{ ref: '1', fields: { leadUnit: 'STC' } }] });

    const textPdf = pdf([`So: ${uniq()}/KH-UBND`, '1. Giao So Tai chinh chu tri, hoan thanh truoc ngay 15/3/2026.']);
    const fromPdf = await by(secretariat)
      .post('/api/v1/directives/extract')
      .attach('file', textPdf, { filename: 'ke-hoach.pdf', contentType: 'application/pdf' })
      .expect(200);
    expect(fromPdf.body.extract.items[0]).toMatchObject({ leadUnit: 'Sở Tài chính', deadline: { kind: 'date' } });

    for (const path of ['/api/v1/directives/extract', '/api/v1/directives/from-text']) {
      const scan = await by(secretariat)
        .post(path)
        .attach('file', pdf(null), { filename: 'scan.pdf', contentType: 'application/pdf' })
        .expect(422);
      expect(scan.body.detail).toBe(SCANNED_PDF_MESSAGE);
      const image = await by(secretariat).post(path).attach('file', PNG, { filename: 'anh.png', contentType: 'image/png' }).expect(415);
      expect(image.body.type).toBe('unsupported-media-type');
      await by(secretariat).post(path).field('number', '1/X').expect(400);
    }
  });

  // A queue nobody polls: launching is all these tests look at, and the workflows are terminated afterwards.
  const unpolled = () => `directives-unpolled-${uniq()}`;
  const terminateAll = (taskIds: string[]) =>
    Promise.all(
      taskIds.map((id) =>
        w.env.client.workflow
          .getHandle(workflowIdFor(id))
          .terminate('kết thúc kiểm thử')
          .catch(() => undefined),
      ),
    );

  it('launches a large directive several items at a time, answering per item in order and marking exactly the started ones launched', async () => {
    const size = LAUNCH_MARK_BATCH + 2 * LAUNCH_CONCURRENCY + 3;
    const number = `02-TB/CQTT-${uniq()}`;
    const [complete] = directive(number).items;
    // Every seventh item lacks a person, a time and a result: refused, left a draft.
    const items = Array.from({ length: size }, (_, i) =>
      i % 7 === 3
        ? { ref: `${i + 1}`, title: `Mục chưa đủ ${i + 1}`, leadUnit: lead }
        : { ...complete, ref: `${i + 1}`, title: `Mục ${i + 1}` },
    );
    const bulk = w.appWith({ taskQueue: unpolled() });
    const created = await request(bulk)
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .send({ ...directive(number), items })
      .expect(201);

    const first = await request(bulk)
      .post(`${created.headers.location}/launch`)
      .set('authorization', secretariat.auth)
      .send({})
      .expect(200);
    const results = first.body.results as { ref: string; outcome: string; taskId?: string }[];
    expect(results.map((r) => r.ref)).toEqual(items.map((i) => i.ref));
    expect(results.map((r) => r.outcome)).toEqual(items.map((_, i) => (i % 7 === 3 ? 'missing' : 'launched')));
    const started = results.filter((r) => r.outcome === 'launched').map((r) => r.taskId!);
    try {
      const view = await request(bulk).get(created.headers.location).set('authorization', secretariat.auth).expect(200);
      const byRef = new Map(results.map((r) => [r.ref, r]));
      for (const item of view.body.items as { ref: string; status: string; taskId: string | null }[]) {
        const result = byRef.get(item.ref)!;
        expect(item, item.ref).toMatchObject(
          result.outcome === 'launched' ? { status: 'launched', taskId: result.taskId } : { status: 'draft', taskId: null },
        );
      }
      for (const taskId of started) await w.env.client.workflow.getHandle(workflowIdFor(taskId)).describe();

      const again = await request(bulk)
        .post(`${created.headers.location}/launch`)
        .set('authorization', secretariat.auth)
        .send({})
        .expect(200);
      expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(
        items.map((_, i) => (i % 7 === 3 ? 'missing' : 'already_launched')),
      );
    } finally {
      await terminateAll(started);
    }
  });

  it('reports an item whose start fails as failed, leaves it a draft while the others launch, and launches it on the next try', async () => {
    const number = `03-TB/CQTT-${uniq()}`;
    const [complete] = directive(number).items;
    const items = Array.from({ length: 5 }, (_, i) => ({ ...complete, ref: `${i + 1}` }));
    const failing = new Set<string>();
    const unreachable: WorkflowClientInterceptor = {
      async startWithDetails(input, next) {
        if (failing.has(input.options.workflowId)) throw new Error('14 UNAVAILABLE: máy chủ Temporal không phản hồi');
        return next(input);
      },
    };
    const temporal = new Client({ connection: w.env.client.connection, namespace: 'default', interceptors: { workflow: [unreachable] } });
    const flaky = w.appWith({ temporal, taskQueue: unpolled() });
    const created = await request(flaky)
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .send({ ...directive(number), items })
      .expect(201);
    const third = created.body.items[2] as { ref: string };
    const thirdTask = taskIdFor(
      { directiveNumber: number, directiveYear: created.body.issueYear, directiveIssuer: created.body.issuer },
      '3',
    );
    failing.add(workflowIdFor(thirdTask));

    const first = await request(flaky)
      .post(`${created.headers.location}/launch`)
      .set('authorization', secretariat.auth)
      .send({})
      .expect(200);
    const started: string[] = [];
    try {
      expect(first.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
        'launched',
        'launched',
        'failed',
        'launched',
        'launched',
      ]);
      started.push(
        ...first.body.results.filter((r: { outcome: string }) => r.outcome === 'launched').map((r: { taskId: string }) => r.taskId),
      );
      expect(first.body.results[2]).toMatchObject({
        ref: third.ref,
        outcome: 'failed',
        error: expect.stringContaining('Giao lại mục này không tạo nhiệm vụ trùng'),
      });
      const view = await request(flaky).get(created.headers.location).set('authorization', secretariat.auth).expect(200);
      expect(view.body.items.map((i: { status: string }) => i.status)).toEqual(['launched', 'launched', 'draft', 'launched', 'launched']);

      failing.clear();
      const second = await request(flaky)
        .post(`${created.headers.location}/launch`)
        .set('authorization', secretariat.auth)
        .send({})
        .expect(200);
      expect(second.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
        'already_launched',
        'already_launched',
        'launched',
        'already_launched',
        'already_launched',
      ]);
      started.push(second.body.results[2].taskId);
      const after = await request(flaky).get(created.headers.location).set('authorization', secretariat.auth).expect(200);
      expect(after.body.items.map((i: { status: string }) => i.status)).toEqual(Array(5).fill('launched'));
    } finally {
      await terminateAll(started);
    }
  });
});
