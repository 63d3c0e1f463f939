import { Router, type Request, type Response } from 'express';
import { h, type ComponentType } from 'preact';
import { addUnit, addUser, RegistryError } from '../../db/repositories/auth';
import { listCalendarOverrides } from '../../db/repositories/calendar';
import { listUnits, listUsers, setUnitActive, setUserRoles } from '../../db/repositories/registry';
import { deactivateUser, setPassword } from '../../db/repositories/sessions';
import { unitOptions } from '../../db/repositories/task-views';
import { addWebhookEndpoint, deactivateWebhookEndpoint, listWebhookEndpoints } from '../../db/repositories/webhooks';
import { DomainError } from '../../domain/errors';
import { grantsAnyRole } from '../../domain/roles';
import { addCalendarOverride } from '../../services/calendar';
import { generateOneTimePassword, hashPassword } from '../auth/passwords';
import { requireSignIn, webUserOf } from '../auth/session';
import type { FieldError } from '../components/form';
import { WebError } from '../errors';
import { calendarFormSchema, parseForm, rolesFormSchema, unitFormSchema, userFormSchema, webhookFormSchema } from '../forms';
import { AdminHomePage, CalendarPage, UnitsPage, WebhooksPage, type AdminCommon, type FormState } from '../pages/admin-pages';
import { UserPage, UsersPage } from '../pages/admin-users';
import { sendPage } from '../render';
import type { WebContext } from './context';
import { typedValues } from './task-forms';

const DONE: Record<string, string> = {
  unit: 'Đã lưu đơn vị.',
  'unit-off': 'Đơn vị đã ngừng nhận việc mới.',
  roles: 'Đã lưu vai trò; áp dụng từ thao tác tiếp theo của người dùng.',
  deactivated: 'Đã vô hiệu hóa người dùng; mọi phiên đăng nhập của họ đã kết thúc.',
  'webhook-off': 'Đã tắt webhook.',
  calendar: 'Đã thêm quyết định vào lịch ngày làm việc; các nhiệm vụ đang chạy đã được báo để tính lại lịch nhắc việc.',
};

/** What a page shows beside its list after a change: what was typed and refused, what was done, a secret shown once. */
type Shown = FormState & { issued?: { login: string; password: string }; secret?: { url: string; secret: string } };

/** A registry refusal, on the field it concerns. */
function registryErrors(err: unknown, field: string): FieldError[] {
  if (err instanceof RegistryError) return [{ field: err.code === 'unknown_unit' ? 'unitCode' : field, message: err.message }];
  if (err instanceof DomainError)
    return (err.details ?? [{ path: field, reason: err.message }]).map((d) => ({ field: d.path || field, message: d.reason }));
  throw err;
}

/**
 * Quản trị (admin role only; anyone else is told the pages do not exist): units, users, webhooks and
 * the calendar's decided days, through the same repository functions as the CLI's commands.
 */
export function adminRoutes(ctx: WebContext): Router {
  const { db } = ctx;
  const router = Router();
  router.use('/admin', requireSignIn(), (req, _res, next) => {
    next(
      grantsAnyRole(webUserOf(req).roles, ['admin'])
        ? undefined
        : new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho quản trị hệ thống.'),
    );
  });
  const common = async (req: Request) => {
    const user = webUserOf(req);
    return { user, unreadCount: await ctx.unreadCount(user), notice: DONE[String(req.query.done ?? '')] };
  };
  const refused = (req: Request, errors: FieldError[]): FormState => ({ values: typedValues(req.body), errors });
  const units = async () => (await unitOptions(db)).map((u) => ({ value: u.code, label: `${u.name} (${u.code})` }));
  const audit = (req: Request, action: string, subject: string) =>
    ctx.logger.info({ actor: webUserOf(req).login, action, subject }, 'admin change');

  /**
   * How a page of the area answers, with what was just done or refused (`Shown`): the session's
   * common props, then what `load` reads for it.
   */
  const show =
    <X extends object>(page: ComponentType<AdminCommon & Shown & NoInfer<X>>, load: (req: Request) => Promise<X>) =>
    async (req: Request, res: Response, status: number, s: Shown = {}) =>
      sendPage(res, status, h(page, { ...(await common(req)), ...s, ...(await load(req)) }));

  router.get('/admin', async (req, res) => sendPage(res, 200, h(AdminHomePage, await common(req))));

  const showUnits = show(UnitsPage, async () => ({ units: await listUnits(db) }));
  router.get('/admin/units', (req, res) => showUnits(req, res, 200));
  router.post('/admin/units', async (req, res) => {
    const form = parseForm(unitFormSchema, req.body);
    if (!form.ok) return showUnits(req, res, 400, refused(req, form.errors));
    try {
      await addUnit(db, form.data);
    } catch (err) {
      return showUnits(req, res, 422, refused(req, registryErrors(err, 'name')));
    }
    audit(req, 'unit:add', form.data.code);
    res.redirect(303, '/admin/units?done=unit');
  });
  router.post('/admin/units/:code/deactivate', async (req, res) => {
    if (!(await setUnitActive(db, String(req.params.code), false)))
      throw new WebError(404, 'Không tìm thấy đơn vị', `Không có đơn vị ${req.params.code}.`);
    audit(req, 'unit:deactivate', String(req.params.code));
    res.redirect(303, '/admin/units?done=unit-off');
  });

  const showUsers = show(UsersPage, async () => ({ users: await listUsers(db, { limit: 500 }), units: await units() }));
  router.get('/admin/users', (req, res) => showUsers(req, res, 200));
  router.post('/admin/users', async (req, res) => {
    const form = parseForm(userFormSchema, req.body);
    if (!form.ok) return showUsers(req, res, 400, refused(req, form.errors));
    try {
      const { created } = await addUser(db, form.data);
      if (!created)
        return showUsers(req, res, 409, refused(req, [{ field: 'login', message: `Tên đăng nhập ${form.data.login} đã có người dùng` }]));
    } catch (err) {
      return showUsers(req, res, 422, refused(req, registryErrors(err, 'login')));
    }
    const password = generateOneTimePassword();
    await setPassword(db, form.data.login, await hashPassword(password), { mustChange: true });
    audit(req, 'user:add', form.data.login);
    // Answered, not redirected: the one-time password appears on this page only, never in a URL.
    await showUsers(req, res, 201, { issued: { login: form.data.login, password }, notice: `Đã thêm người dùng ${form.data.login}.` });
  });

  const personOf = async (login: string) => {
    const [person] = /^[a-z0-9][a-z0-9._-]{0,63}$/.test(login) ? await listUsers(db, { login, limit: 1 }) : [];
    if (!person) throw new WebError(404, 'Không tìm thấy người dùng', `Không có người dùng "${login}".`);
    return person;
  };
  const showUser = show(UserPage, async (req: Request) => ({ person: await personOf(String(req.params.login)) }));
  router.get('/admin/users/:login', (req, res) => showUser(req, res, 200));
  router.post('/admin/users/:login/roles', async (req, res) => {
    const login = (await personOf(String(req.params.login))).login;
    const form = parseForm(rolesFormSchema, req.body);
    if (!form.ok) return showUser(req, res, 400, refused(req, form.errors));
    await setUserRoles(db, login, form.data.roles);
    audit(req, 'user:roles', login);
    res.redirect(303, `/admin/users/${encodeURIComponent(login)}?done=roles`);
  });
  router.post('/admin/users/:login/password', async (req, res) => {
    const login = (await personOf(String(req.params.login))).login;
    const password = generateOneTimePassword();
    try {
      await setPassword(db, login, await hashPassword(password), { mustChange: true });
    } catch (err) {
      return showUser(req, res, 409, refused(req, registryErrors(err, '')));
    }
    audit(req, 'user:password', login);
    await showUser(req, res, 200, { issued: { login, password }, notice: 'Đã đặt lại mật khẩu; mọi phiên đăng nhập cũ đã kết thúc.' });
  });
  router.post('/admin/users/:login/deactivate', async (req, res) => {
    const login = (await personOf(String(req.params.login))).login;
    await deactivateUser(db, login);
    audit(req, 'user:deactivate', login);
    res.redirect(303, `/admin/users/${encodeURIComponent(login)}?done=deactivated`);
  });

  const showWebhooks = show(WebhooksPage, async () => ({ endpoints: await listWebhookEndpoints(db), units: await units() }));
  router.get('/admin/webhooks', (req, res) => showWebhooks(req, res, 200));
  router.post('/admin/webhooks', async (req, res) => {
    const form = parseForm(webhookFormSchema, req.body);
    if (!form.ok) return showWebhooks(req, res, 400, refused(req, form.errors));
    let endpoint;
    try {
      endpoint = await addWebhookEndpoint(db, { ...form.data, description: form.data.description || null });
    } catch (err) {
      return showWebhooks(req, res, 422, refused(req, registryErrors(err, 'url')));
    }
    audit(req, 'webhook:add', endpoint.url);
    await showWebhooks(req, res, 201, { secret: { url: endpoint.url, secret: endpoint.secret }, notice: 'Đã thêm webhook.' });
  });
  router.post('/admin/webhooks/:id/disable', async (req, res) => {
    const id = String(req.params.id);
    if (!/^[1-9][0-9]{0,17}$/.test(id) || !(await deactivateWebhookEndpoint(db, id)))
      throw new WebError(404, 'Không tìm thấy webhook', `Không có webhook số ${id}.`);
    audit(req, 'webhook:disable', id);
    res.redirect(303, '/admin/webhooks?done=webhook-off');
  });

  const showCalendar = show(CalendarPage, async () => ({
    overrides: (await listCalendarOverrides(db)).sort((a, b) => b.date.localeCompare(a.date)),
  }));
  router.get('/admin/calendar', (req, res) => showCalendar(req, res, 200));
  router.post('/admin/calendar', async (req, res) => {
    const form = parseForm(calendarFormSchema, req.body);
    if (!form.ok) return showCalendar(req, res, 400, refused(req, form.errors));
    let signalled: number;
    try {
      // The service writes the decision, then tells every running task to re-plan its reminders.
      ({ signalled } = await addCalendarOverride({ db, temporal: ctx.commandSender() }, form.data));
    } catch (err) {
      return showCalendar(req, res, 422, refused(req, registryErrors(err, 'date')));
    }
    ctx.forgetCalendar();
    audit(req, 'calendar:add', `${form.data.date} (${signalled} running tasks told)`);
    res.redirect(303, '/admin/calendar?done=calendar');
  });

  return router;
}
