import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { createMetrics, temporalClientInterceptor } from '../../api/metrics';
import { listen } from '../../api/server';
import { useApiWorld } from '../helpers/api-world';
import { aUserWithToken } from '../helpers/users';

/** The value of one sample of the Prometheus text, or undefined when the series does not exist. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (wanted.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('operating the API: metrics, rate limit, request logs, graceful shutdown', () => {
  // As api/main.ts does: the client counts its own starts and Updates into the app's registry.
  const metrics = createMetrics();
  const w = useApiWorld({ metrics, workflowInterceptors: [temporalClientInterceptor(metrics)] });
  const { db, http } = w;
  const { lead: leadUnit } = w.units;
  const { secretariat, lead: officer } = w.people;

  it('answers /healthz while running and /readyz after checking PostgreSQL and Temporal', async () => {
    await http().get('/healthz').expect(200, { status: 'ok' });
    await http().get('/readyz').expect(200, { status: 'ready', database: 'ok', temporal: 'ok' });
  });

  it('times requests by route pattern, never by raw URL, including those that fail inside a router', async () => {
    await http().get('/healthz').expect(200);
    await http().get('/api/v1/tasks/khong-co.1').set('authorization', secretariat.auth).expect(404);
    await http().get('/api/v1/tasks/khong-co.2').set('authorization', secretariat.auth).expect(404);
    await http().get('/khong-co-duong-dan').expect(404);

    const res = await http()
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(
      sample(res.text, 'http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    // The 404 is thrown inside the tasks router: the mount path must still be part of the label.
    expect(sample(res.text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/tasks/:id', status: '404' })).toBe(2);
    expect(
      sample(res.text, 'http_request_duration_seconds_count', { method: 'GET', route: '(unmatched)', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(res.text).not.toContain('khong-co');
    // Node's default metrics are on the same registry.
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('counts workflow starts and Updates by outcome through the Temporal client interceptor', async () => {
    const body = w.launchBody();
    const before = await metrics.registry.getSingleMetricAsString('temporal_workflow_starts_total');
    const started = sample(before, 'temporal_workflow_starts_total', { workflow_type: 'directiveTask', outcome: 'started' }) ?? 0;

    const launched = await http().post('/api/v1/tasks').set('authorization', secretariat.auth).send(body).expect(202);
    await http().post('/api/v1/tasks').set('authorization', secretariat.auth).send(body).expect(200);
    await http().post(`${launched.headers.location}/acknowledge`).set('authorization', officer.auth).send({ note: 'Đã nhận' }).expect(200);
    // Nothing was submitted: the workflow's validator rejects it, which the server reports as an outcome, not an error.
    await http().post(`${launched.headers.location}/approve`).set('authorization', secretariat.auth).send({}).expect(409);

    const text = (await http().get('/metrics').expect(200)).text;
    expect(sample(text, 'temporal_workflow_starts_total', { workflow_type: 'directiveTask', outcome: 'started' })).toBe(started + 1);
    expect(
      sample(text, 'temporal_workflow_starts_total', { workflow_type: 'directiveTask', outcome: 'already_started' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'temporal_workflow_updates_total', { update: 'acknowledge', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'temporal_workflow_updates_total', { update: 'approve', outcome: 'rejected', failure_type: 'InvalidState' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'temporal_client_request_duration_seconds_count', { operation: 'start', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('limits each user to N requests a minute with a Vietnamese 429 problem and Retry-After, while another user still passes', async () => {
    const limited = w.appWith({ rateLimitPerMinute: 3 });
    const first = (await aUserWithToken(db, leadUnit, ['unit_officer'])).auth;
    const second = (await aUserWithToken(db, leadUnit, ['unit_officer'])).auth;
    for (let i = 0; i < 3; i++) await request(limited).get('/api/v1/tasks').set('authorization', first).expect(200);

    const refused = await request(limited).get('/api/v1/tasks').set('authorization', first).expect(429);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: 'too-many-requests', title: 'Quá nhiều yêu cầu', status: 429, instance: '/api/v1/tasks' });
    expect(refused.body.detail).toMatch(/3 yêu cầu mỗi phút/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

    await request(limited).get('/api/v1/tasks').set('authorization', second).expect(200);
    // Operations endpoints are outside /api/v1 and never limited.
    await request(limited).get('/healthz').expect(200);
  });

  it('logs each request as JSON with its request id, keeping a sane client id and never the token', async () => {
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logged = w.appWith({ logger: pino({ level: 'info' }, sink) });

    const given = await request(logged)
      .get('/api/v1/tasks')
      .set('authorization', officer.auth)
      .set('x-request-id', 'req-abc.123')
      .expect(200);
    expect(given.headers['x-request-id']).toBe('req-abc.123');
    const generated = await request(logged).get('/healthz').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await request(logged).get('/healthz').set('x-request-id', 'x'.repeat(500)).expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const entry = lines.find((l) => l.req?.id === 'req-abc.123');
    expect(entry).toMatchObject({ msg: 'request completed', res: { statusCode: 200 }, req: { method: 'GET', url: '/api/v1/tasks' } });
    expect(JSON.stringify(lines)).not.toContain(officer.auth.slice('Bearer '.length));
  });

  it('on close, refuses new connections but lets an in-flight request finish with 200', async () => {
    // A Temporal double whose health check waits until released: /readyz stays in flight for as long as we like.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const inside = new Promise<void>((resolve) => (reached = resolve));
    const slowTemporal = {
      connection: {
        workflowService: {
          getSystemInfo: async () => {
            reached();
            await released;
            return {};
          },
        },
      },
    } as unknown as Client;
    const server = await listen(w.appWith({ temporal: slowTemporal }), '127.0.0.1', 0);

    const inFlight = fetch(`${server.url}/readyz`);
    await inside;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });

    await expect(fetch(`${server.url}/healthz`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(closed).toBe(false);

    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ready', database: 'ok', temporal: 'ok' });
    // The drained connection is closed rather than kept alive, so close() resolves at once.
    expect(answer.headers.get('connection')).toBe('close');
    await closing;
    expect(closed).toBe(true);
  });
});

type Json = Record<string, any>;
