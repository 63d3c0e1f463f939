/**
 * Bodies the API must refuse up front, found by the request-level fault suite
 * (test/faults/requests/hostile-requests.test.ts): text PostgreSQL cannot store, bytes that are not
 * UTF-8, and bodies in a media type the operation does not take.
 */
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { useApiWorld } from '../helpers/api-world';
import { uniq } from '../helpers/servers';

describe('request bodies refused before they can do harm (dev server + PostgreSQL)', () => {
  const w = useApiWorld();
  const app = () => w.app;
  const db = () => w.db;
  const secretariat = () => w.people.secretariat.auth;
  const lead = () => w.people.lead.auth;

  const item = (ref: string) => ({
    ref,
    title: 'Xây dựng Trung tâm an ninh mạng cấp tỉnh',
    leadUnit: w.units.lead,
    responsibleOfficial: 'Giám đốc Công an tỉnh',
    deadline: { kind: 'date', dueAt: '2027-06-30T23:59:59+07:00' },
    expectedResult: 'Trung tâm an ninh mạng đi vào hoạt động',
  });
  const directive = () => ({
    number: `${uniq().toUpperCase()}-TB/CQTT`,
    issuedOn: '2025-11-04',
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
    decidedBy: w.units.office,
    items: [item('1'), item('2')],
  });

  async function aTask(): Promise<string> {
    const d = await request(app()).post('/api/v1/directives').set('authorization', secretariat()).send(directive()).expect(201);
    const launched = await request(app())
      .post(`/api/v1/directives/${d.body.id}/launch`)
      .set('authorization', secretariat())
      .send({ refs: ['1'] })
      .expect(200);
    const taskId = launched.body.results[0].taskId as string;
    w.tasks.add(taskId);
    await expect
      .poll(() => db().selectFrom('audit_events').select('seq').where('task_id', '=', taskId).executeTakeFirst(), { timeout: 15_000 })
      .toBeTruthy();
    return taskId;
  }

  it('refuses U+0000 and a lone surrogate in any text field (400 naming it), and the task still takes commands', async () => {
    const taskId = await aTask();
    for (const [body, path] of [
      [{ note: 'Đã tiếp nhận\u0000' }, 'note'],
      [{ note: 'Đã tiếp nhận \ud800' }, 'note'],
    ] as const) {
      const res = await request(app()).post(`/api/v1/tasks/${taskId}/acknowledge`).set('authorization', lead()).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path, reason: expect.stringContaining('NUL') }]);
    }
    // Before the fix the Update was accepted and its audit row failed to insert forever: this one would never answer.
    const ok = await request(app())
      .post(`/api/v1/tasks/${taskId}/acknowledge`)
      .set('authorization', lead())
      .send({ note: 'Đã tiếp nhận' })
      .expect(200);
    expect(ok.body.state.status).toBe('acknowledged');
    const launch = await request(app())
      .post('/api/v1/tasks')
      .set('authorization', secretariat())
      .send({ ...item('9'), directiveNumber: `A\u0000-${uniq()}`, assignedBy: 'Ban Chỉ đạo', decidedBy: w.units.office })
      .expect(400);
    expect(launch.body.errors).toEqual([{ path: 'directiveNumber', reason: expect.any(String) }]);
  });

  it('refuses a JSON or text body that is not UTF-8 (400) instead of storing U+FFFD, and a NUL byte in a notice (400, not 500)', async () => {
    const taskId = await aTask();
    const bytes = Buffer.concat([Buffer.from('{"text": "Ti'), Buffer.from([0xe9, 0x6e, 0x20, 0x80]), Buffer.from('", "percent": 10}')]);
    const json = await request(app())
      .post(`/api/v1/tasks/${taskId}/progress`)
      .set('authorization', lead())
      .set('content-type', 'application/json')
      .serialize((x: unknown) => x as string)
      .send(bytes)
      .expect(400);
    expect(json.body.type).toBe('malformed-request');
    const history = await request(app()).get(`/api/v1/tasks/${taskId}/history`).set('authorization', secretariat()).expect(200);
    expect(history.body.events.map((e: { kind: string }) => e.kind)).not.toContain('progress_reported');

    const notice = (tail: Buffer) =>
      request(app())
        .post('/api/v1/directives/extract')
        .set('authorization', secretariat())
        .set('content-type', 'text/plain; charset=utf-8')
        .serialize((x: unknown) => x as string)
        .send(Buffer.concat([Buffer.from('Số: 77-TB/X\nTHÔNG BÁO\n1. Giao Công an tỉnh xây dựng trung tâm. '), tail]));
    await notice(Buffer.from([0xff, 0xfe])).expect(400);
    await notice(Buffer.from([0x00])).expect(400);
  });

  it('answers 415 to a body in a media type the operation does not take: a launch of one item sent as a form launches nothing', async () => {
    const d = await request(app()).post('/api/v1/directives').set('authorization', secretariat()).send(directive()).expect(201);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream']) {
      const res = await request(app())
        .post(`/api/v1/directives/${d.body.id}/launch`)
        .set('authorization', secretariat())
        .set('content-type', type)
        .send('refs=1')
        .expect(415);
      expect(res.body.type).toBe('unsupported-media-type');
    }
    const view = await request(app()).get(`/api/v1/directives/${d.body.id}`).set('authorization', secretariat()).expect(200);
    expect(view.body.items.map((i: { status: string }) => i.status)).toEqual(['draft', 'draft']);
    // What the document lists still goes through: YAML for an import, by any of its names.
    await request(app())
      .post('/api/v1/directives')
      .set('authorization', secretariat())
      .set('content-type', 'text/yaml')
      .send(`number: "${uniq().toUpperCase()}-KH"\nitems:\n  - ref: "1"\n    title: "Rà soát hạ tầng mạng"\n`)
      .expect(201);
  });
});
