import express, { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { h } from 'preact';
import { NOTICE_FILE_MAX_BYTES } from '../../api/routes/directives';
import { listDirectives } from '../../db/repositories/directives';
import { unitOptions } from '../../db/repositories/task-views';
import { itemPatchSchema } from '../../domain/directive';
import { DomainError } from '../../domain/errors';
import { extractDirective } from '../../domain/intake/extract';
import { cleanText } from '../../domain/intake/normalize';
import { grantsAnyRole } from '../../domain/roles';
import { DocumentTextError, documentText } from '../../intake/document-text';
import { createDirectiveFromText, getDirective, launchItems, patchItem, SOURCE_TEXT_MAX } from '../../services/directives';
import { requireSignIn, webUserOf } from '../auth/session';
import type { SessionUser } from '../../db/repositories/sessions';
import type { FieldError } from '../components/form';
import { WebError } from '../errors';
import { endOfVnDay, itemEditFormSchema, launchFormSchema, noticeFormSchema, parseForm, registerFormSchema, textOf } from '../forms';
import { DirectivesPage, NoticePreviewPage } from '../pages/directive-pages';
import { DirectivePage, LaunchConfirmPage, type DirectivePageProps } from '../pages/directive-review';
import { sendPage } from '../render';
import type { WebContext } from './context';
import { typedValues } from './task-forms';

const notFound = (id: string) => new WebError(404, 'Không tìm thấy văn bản', `Không có văn bản "${id}".`);
const forSecretariat = () => new WebError(404, 'Không tìm thấy trang', 'Trang này dành cho Cơ quan Thường trực.');

/**
 * The notice form is multipart (a file beside the pasted text), read before the CSRF check for a
 * signed-in secretariat only; the registration form carries the whole text back, so it may be
 * larger than other forms. Mounted before `csrfProtection` and the app-wide form parser.
 */
export function directiveBodies(ctx: WebContext): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: NOTICE_FILE_MAX_BYTES, files: 1, fields: 5, fieldSize: 4 * SOURCE_TEXT_MAX, parts: 6 },
    defParamCharset: 'utf8',
  }).single('file');
  router.post('/directives/read', (req, res, next) => {
    if (!req.webUser || !grantsAnyRole(req.webUser.roles, ['secretariat']) || !req.is('multipart/form-data')) return next();
    upload(req, res, (err: unknown) => {
      if (err) ctx.uploadErrors.set(req, err instanceof multer.MulterError ? err : new multer.MulterError('LIMIT_PART_COUNT'));
      next();
    });
  });
  const registration = express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 600 });
  router.post('/directives', (req, res, next) =>
    req.webUser && grantsAnyRole(req.webUser.roles, ['secretariat']) ? registration(req, res, next) : next(),
  );
  return router;
}

/** Errors of a refused registration or launch, on the fields the form has. */
function domainErrors(err: unknown, fields: readonly string[], fallback: string): FieldError[] {
  if (!(err instanceof DomainError) || err.kind === 'not_found') throw err;
  const onField = (err.details ?? []).filter((d) => fields.includes(d.path.split('.')[0]));
  if (err.kind === 'conflict') return [{ field: fallback, message: err.message }];
  return onField.length
    ? onField.map((d) => ({ field: d.path.split('.')[0], message: `${err.message}: ${d.reason}` }))
    : [{ field: fallback, message: err.message }];
}

/** The signed-in official as the directive's record and the launch's first event name them (login, unit, roles). */
const recordedActor = (user: SessionUser) => ({ userId: user.login, unitCode: user.unitCode, roles: user.roles });

/** Văn bản chỉ đạo: read a notice, review the drafts beside the text, edit, launch (services/directives.ts, as the API). */
export function directiveRoutes(ctx: WebContext): Router {
  const { db } = ctx;
  const router = Router();
  router.use('/directives', requireSignIn(), (req, _res, next) => {
    next(grantsAnyRole(webUserOf(req).roles, ['secretariat']) ? undefined : forSecretariat());
  });
  const common = async (req: Request) => {
    const user = webUserOf(req);
    return { user, unreadCount: await ctx.unreadCount(user) };
  };

  const showList = async (req: Request, res: Response, status: number, errors: FieldError[] = []) =>
    sendPage(
      res,
      status,
      h(DirectivesPage, { ...(await common(req)), directives: await listDirectives(db, 1, 50), values: typedValues(req.body), errors }),
    );

  const showPreview = async (req: Request, res: Response, status: number, text: string, errors: FieldError[] = []) =>
    sendPage(
      res,
      status,
      h(NoticePreviewPage, {
        ...(await common(req)),
        text,
        cleaned: cleanText(text),
        extract: extractDirective(text),
        values: status === 200 ? { number: textOf(req.body, 'number') || undefined } : typedValues(req.body),
        errors,
      }),
    );

  router.get('/directives', async (req, res) => showList(req, res, 200));

  router.post('/directives/read', async (req, res) => {
    const refusal = ctx.uploadErrors.get(req);
    if (refusal) {
      const big = refusal.code === 'LIMIT_FILE_SIZE';
      const message = big ? `Tệp vượt quá giới hạn ${NOTICE_FILE_MAX_BYTES / 1024 / 1024} MB` : 'Chỉ tải lên một tệp văn bản';
      return showList(req, res, big ? 413 : 400, [{ field: 'file', message }]);
    }
    const form = parseForm(noticeFormSchema, req.body);
    if (!form.ok) return showList(req, res, 400, form.errors);
    let text = form.data.text;
    if (req.file?.size) {
      try {
        text = await documentText(req.file.buffer, req.file.originalname);
      } catch (err) {
        if (!(err instanceof DocumentTextError)) throw err;
        return showList(req, res, err.code === 'unsupported' ? 415 : 422, [{ field: 'file', message: err.message }]);
      }
    }
    if (!text.trim()) return showList(req, res, 400, [{ field: 'text', message: 'Hãy dán nội dung văn bản hoặc chọn tệp để tải lên' }]);
    if (!extractDirective(text).items.length)
      return showList(req, res, 422, [
        { field: 'text', message: 'Không tìm thấy mục nhiệm vụ nào (các mục đánh số 1., 2.1., …) trong văn bản' },
      ]);
    await showPreview(req, res, 200, text);
  });

  router.post('/directives', async (req, res) => {
    const form = parseForm(registerFormSchema, req.body);
    const text = textOf(req.body, 'text');
    if (!form.ok) return text.trim() ? showPreview(req, res, 400, text, form.errors) : showList(req, res, 400, form.errors);
    const { number, issuer, issuedOn, items } = form.data;
    try {
      const { directive } = await createDirectiveFromText(
        db,
        form.data.text,
        { number, issuer, issuedOn, items },
        recordedActor(webUserOf(req)),
      );
      res.redirect(303, `/directives/${directive.id}?registered=1`);
    } catch (err) {
      await showPreview(req, res, 422, text, domainErrors(err, ['number', 'issuer', 'issuedOn', 'items'], 'number'));
    }
  });

  const directiveOf = async (id: string) => {
    // A directive id is `<year>-<slug>` with, when the number is not its own slug, `.<hash>` (domain/task.ts).
    if (!/^[a-z0-9-]{1,120}(\.[0-9a-f]{12})?$/.test(id)) throw notFound(id);
    try {
      return await getDirective(db, id);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') throw notFound(id);
      throw err;
    }
  };
  const units = async () => (await unitOptions(db)).map((u) => ({ value: u.code, label: `${u.name} (${u.code})` }));
  const showDirective = async (req: Request, res: Response, status: number, extra: Partial<DirectivePageProps> = {}) =>
    sendPage(
      res,
      status,
      h(DirectivePage, { ...(await common(req)), directive: await directiveOf(String(req.params.id)), units: await units(), ...extra }),
    );

  router.get('/directives/:id', async (req, res) => {
    const saved = textOf(req.query, 'saved');
    const notice = req.query.registered ? 'Đã đăng ký văn bản; các mục được lưu là bản nháp.' : saved ? `Đã lưu mục ${saved}.` : undefined;
    await showDirective(req, res, 200, { notice });
  });

  router.post('/directives/:id/items/:ref', async (req, res) => {
    const id = String(req.params.id);
    const ref = String(req.params.ref);
    const refused = (errors: FieldError[], status = 400) =>
      showDirective(req, res, status, { failed: { ref, errors, values: typedValues(req.body) } });
    const form = parseForm(itemEditFormSchema, req.body);
    if (!form.ok) return refused(form.errors);
    const { due, ...fields } = form.data;
    // The API's own schema for an item's patch: a unit code, a title, a deadline as the workflow takes them.
    const patch = parseForm(itemPatchSchema, { ...fields, ...(due ? { deadline: { kind: 'date', dueAt: endOfVnDay(due) } } : {}) });
    if (!patch.ok)
      return refused(patch.errors.map((e) => ({ field: e.field.split('.')[0], message: `Giá trị không hợp lệ: ${e.message}` })));
    await directiveOf(id);
    try {
      await patchItem(db, id, ref, patch.data, recordedActor(webUserOf(req)));
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') throw new WebError(404, 'Không tìm thấy mục', err.message);
      return refused(domainErrors(err, [], ''), 409);
    }
    res.redirect(303, `/directives/${id}?saved=${encodeURIComponent(ref)}`);
  });

  router.get('/directives/:id/launch', async (req, res) => {
    const form = parseForm(launchFormSchema, req.query);
    if (!form.ok) return showDirective(req, res, 400, { launchErrors: form.errors });
    const directive = await directiveOf(String(req.params.id));
    const chosen = directive.items.filter((i) => i.status === 'draft' && form.data.refs.includes(i.ref));
    if (!chosen.length)
      return showDirective(req, res, 400, { launchErrors: [{ field: 'refs', message: 'Các mục đã chọn đều đã được giao' }] });
    sendPage(res, 200, h(LaunchConfirmPage, { ...(await common(req)), directive, chosen }));
  });

  router.post('/directives/:id/launch', async (req, res) => {
    const id = String(req.params.id);
    const form = parseForm(launchFormSchema, req.body);
    if (!form.ok) return showDirective(req, res, 400, { launchErrors: form.errors });
    await directiveOf(id);
    if (!ctx.taskQueue) throw new WebError(503, 'Chưa thể giao nhiệm vụ', 'Trang này chưa được nối với hàng đợi của quy trình.');
    const user = webUserOf(req);
    let outcomes;
    try {
      outcomes = await launchItems(
        { db, temporal: ctx.commandSender(), taskQueue: ctx.taskQueue },
        id,
        form.data.refs,
        recordedActor(user),
      );
    } catch (err) {
      return showDirective(req, res, 422, { launchErrors: domainErrors(err, ['refs'], 'refs') });
    }
    await showDirective(req, res, 200, { outcomes });
  });

  return router;
}
