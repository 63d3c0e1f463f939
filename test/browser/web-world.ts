/**
 * A world for the browser tests: the whole app (createApp with its pages) listening on a free port,
 * a real worker on the run's shared dev server and PostgreSQL, Debian's Chromium driven by
 * Playwright's library, and units and people of this file's own. People sign in by typing, as
 * anyone would; tasks are launched through the API with the secretariat's bearer token.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp, type AppDeps } from '../../api/app';
import { listen, type RunningServer } from '../../api/server';
import { createActivities } from '../../activities';
import { addUser, issueToken } from '../../db/repositories/auth';
import { setPassword } from '../../db/repositories/sessions';
import type { Role } from '../../domain/roles';
import { CHROMIUM_ARGS } from '../../infra/chromium';
import { hashPassword } from '../../web/auth/passwords';
import { devServerEnv, testDb, testWorker, uniq } from '../helpers/servers';
import { aUnit } from '../helpers/users';

export interface Person {
  login: string;
  password: string;
  fullName: string;
  unitCode: string;
}

export interface WebWorld {
  db: ReturnType<typeof testDb>;
  url: string;
  browser: Browser;
  units: { office: string; lead: string; other: string; inspection: string };
  /** A person with a password of their own (or a one-time one with `oneTime`). */
  person(unitCode: string, roles: Role[], opts?: { oneTime?: boolean; fullName?: string }): Promise<Person>;
  /** A fresh browser (its own cookies) with a page open, at 360 px wide when `narrow`. */
  newPage(opts?: { narrow?: boolean }): Promise<Page>;
  /** Signs in through the sign-in page, as a person types. */
  signIn(page: Page, who: Person, password?: string): Promise<void>;
  /** A fresh page (as `newPage`) on which `who` has signed in. */
  signedIn(who: Person, opts?: { narrow?: boolean }): Promise<Page>;
  /** Launches a task led by `leadUnit` through the API; resolves once its first audit row exists. */
  launchTask(leadUnit: string, title: string, opts?: { targets?: unknown[] }): Promise<string>;
  /** A task launched through the pages, ended with this file's own when the file finishes. */
  adopt(taskId: string): void;
}

const DAY = 86_400_000;

/** The hooks and helpers of one browser test file (call at the top of its `describe`). */
export function useWebWorld(web: AppDeps['web'] = {}): WebWorld {
  const world = { db: testDb() } as WebWorld;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let server: RunningServer;
  let secretariatAuth: string;
  const contexts: BrowserContext[] = [];
  const launched: string[] = [];
  let nextRef = 1;
  const prefix = `WEB-${uniq().toUpperCase()}`;

  beforeAll(async () => {
    env = await devServerEnv();
    const w = await testWorker(env.nativeConnection, createActivities({ db: world.db }));
    worker = w.worker;
    running = worker.run();
    const app = createApp({
      db: world.db,
      temporal: env.client,
      taskQueue: w.taskQueue,
      logger: pino({ level: 'silent' }),
      rateLimitPerMinute: 0,
      web,
    });
    server = await listen(app, '127.0.0.1', 0);
    world.url = server.url;
    world.browser = await chromium.launch({ executablePath: inject('chromiumPath'), args: CHROMIUM_ARGS });
    world.units = {
      office: await aUnit(world.db, 'VPTU'),
      lead: await aUnit(world.db, 'SCT'),
      other: await aUnit(world.db, 'STC'),
      inspection: await aUnit(world.db, 'UBKT'),
    };
    const secretariat = `s${uniq()}`;
    await addUser(world.db, { login: secretariat, unitCode: world.units.office, roles: ['secretariat'] });
    secretariatAuth = `Bearer ${(await issueToken(world.db, secretariat)).token}`;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await world.browser?.close();
    await server?.close(1000);
    for (const taskId of launched)
      await env.client.workflow
        .getHandle(`task-${taskId}`)
        .terminate('browser test finished')
        .catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.teardown();
    await world.db.destroy();
  });

  world.person = async (unitCode, roles, opts = {}) => {
    const login = `p${uniq()}`;
    const fullName = opts.fullName ?? `Nguyễn Thị Thử ${login.slice(-4)}`;
    await addUser(world.db, { login, unitCode, roles, fullName });
    const password = opts.oneTime ? `Mot-lan-${uniq()}` : `Mat-khau-${uniq()}`;
    await setPassword(world.db, login, await hashPassword(password), { mustChange: !!opts.oneTime });
    return { login, password, fullName, unitCode };
  };

  world.newPage = async ({ narrow = false } = {}) => {
    const context = await world.browser.newContext({
      baseURL: world.url,
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
      viewport: narrow ? { width: 360, height: 780 } : { width: 1280, height: 900 },
    });
    contexts.push(context);
    return context.newPage();
  };

  world.signIn = async (page, who, password = who.password) => {
    await page.goto('/sign-in');
    await page.getByLabel('Tên đăng nhập').fill(who.login);
    await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForLoadState('domcontentloaded');
  };

  world.signedIn = async (who, opts) => {
    const page = await world.newPage(opts);
    await world.signIn(page, who);
    return page;
  };

  world.adopt = (taskId) => void launched.push(taskId);

  world.launchTask = async (leadUnit, title, opts = {}) => {
    const res = await fetch(`${world.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: secretariatAuth, 'content-type': 'application/json' },
      body: JSON.stringify({
        directiveNumber: `${prefix}/TB-UBND`,
        ref: String(nextRef++),
        title,
        leadUnit,
        responsibleOfficial: 'Giám đốc Sở Công Thương',
        deadline: { kind: 'date', dueAt: new Date(Date.now() + 20 * DAY).toISOString() },
        assignedBy: 'Đồng chí Chủ tịch UBND tỉnh',
        decidedBy: world.units.office,
        expectedResult: 'Báo cáo kết quả thực hiện gửi Cơ quan Thường trực',
        ...(opts.targets ? { targets: opts.targets } : {}),
      }),
    });
    if (res.status !== 202) throw new Error(`launch answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    launched.push(id);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const row = await world.db.selectFrom('tasks').select('id').where('id', '=', id).executeTakeFirst();
      if (row) return id;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${id} never reached the read model`);
  };

  return world;
}
