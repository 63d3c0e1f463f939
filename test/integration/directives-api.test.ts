import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { LAUNCH_CONCURRENCY, LAUNCH_MARK_BATCH } from '../../services/directives';
import { taskIdFor, workflowIdFor } from '../../domain/task';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

describe('directives: import, review and launch', () => {
  const w = useApiWorld();
  const { http } = w;
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
    const created = await http().post('/api/v1/directives').set('authorization', secretariat.auth).send(directive(number)).expect(201);
    expect(created.body.items.map((i: { ref: string; missing: string[] }) => [i.ref, i.missing])).toEqual([
      ['2.3 (1)', []],
      ['2.4', ['person', 'time', 'result']],
    ]);
    const first = await http().post(`${created.headers.location}/launch`).set('authorization', secretariat.auth).send({}).expect(200);
    expect(first.body.results).toEqual([
      { ref: '2.3 (1)', outcome: 'launched', taskId: expect.stringMatching(/\.2-3-1\.[0-9a-f]{12}$/) },
      { ref: '2.4', outcome: 'missing', missing: ['person', 'time', 'result'] },
    ]);
    const again = await http()
      .post(`${created.headers.location}/launch`)
      .set('authorization', secretariat.auth)
      .send({ refs: ['2.3 (1)'] })
      .expect(200);
    expect(again.body.results).toEqual([{ ref: '2.3 (1)', outcome: 'already_launched', taskId: first.body.results[0].taskId }]);

    await http()
      .patch(`${created.headers.location}/items/2.4`)
      .set('authorization', secretariat.auth)
      .send({
        responsibleOfficial: 'Giám đốc Công an tỉnh',
        deadline: { kind: 'date', dueAt: '2026-06-30T23:59:59+07:00' },
        expectedResult: 'Trung tâm giám sát an ninh mạng vận hành',
      })
      .expect(200);
    const second = await http()
      .post(`${created.headers.location}/launch`)
      .set('authorization', secretariat.auth)
      .send({ refs: ['2.4'] })
      .expect(200);
    expect(second.body.results).toEqual([{ ref: '2.4', outcome: 'launched', taskId: expect.stringMatching(/\.2-4\.[0-9a-f]{12}$/) }]);
    await http()
      .patch(`${created.headers.location}/items/2.4`)
      .set('authorization', secretariat.auth)
      .send({ title: 'Sửa sau khi giao' })
      .expect(409);
  });

  it('imports the same directive from YAML, refuses a second registration of its number, and refuses units', async () => {
    const number = `80/TB-UBND-${uniq()}`;
    const yaml = `number: "${number}"\nissuedOn: "2025-05-14"\ndecidedBy: ${office}\nitems:\n  - ref: "5"\n    title: Phát triển thương mại điện tử\n    leadUnit: ${lead}\n`;
    const created = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .set('content-type', 'application/yaml')
      .send(yaml)
      .expect(201);
    expect(created.body).toMatchObject({ number, items: [{ ref: '5', status: 'draft' }] });
    const dup = await http().post('/api/v1/directives').set('authorization', secretariat.auth).send({ number, items: [] }).expect(409);
    expect(dup.body.detail).toContain(number);
    await http()
      .post('/api/v1/directives')
      .set('authorization', officer.auth)
      .send({ number: `x-${uniq()}` })
      .expect(403);
    const bad = await http()
      .post('/api/v1/directives')
      .set('authorization', secretariat.auth)
      .send({ number: 'x', items: [{ ref: '1' }, { ref: '1' }] })
      .expect(400);
    expect(bad.body.errors).toEqual([{ path: 'items.1.ref', reason: 'số hiệu mục "1" bị lặp' }]);
  });

  it('turns the text of a notice into drafts for review', async () => {
    const text = [
      `Số: ${uniq()}-TB/CQTT`,
      'Thái Nguyên, ngày 04 tháng 11 năm 2025',
      'THÔNG BÁO',
      'Đồng chí Trưởng Ban Chỉ đạo kết luận như sau:',
      '1. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thuê hạ tầng Trung tâm dữ liệu, hoàn thành trước ngày 15/12/2025.',
      '2. Giao Công an tỉnh xây dựng trung tâm an ninh mạng.',
    ].join('\n');
    const res = await http()
      .post('/api/v1/directives/extract')
      .set('authorization', secretariat.auth)
      .set('content-type', 'text/plain; charset=utf-8')
      .send(text)
      .expect(201);
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
    const thirdTask = taskIdFor(number, '3');
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
