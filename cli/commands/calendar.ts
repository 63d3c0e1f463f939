import { loadConfig } from '../../config';
import type { CalendarOverride } from '../../domain/calendar';
import { DomainError } from '../../domain/errors';
import { formatVnDate, isCivilDateString, parseCivilDate } from '../../domain/time';
import { connectClient } from '../../infra/temporal';
import { addCalendarOverride, notifyCalendarChanged, removeCalendarOverride, type CalendarChange } from '../../services/calendar';
import { EXIT_FAILED, parseFlags, required, runCommand, UsageError } from '../command';
import { VALUE } from './flags';

const KINDS: Record<string, CalendarOverride['kind']> = {
  'nghi-bu': 'day_off',
  'lam-bu': 'working_day',
  day_off: 'day_off',
  working_day: 'working_day',
};

const ADD_USAGE =
  'Cách dùng: npm run -s cli -- calendar:add --date <dd/mm/yyyy> --kind <nghi-bu|lam-bu> --reason "<quyết định, ví dụ Thông báo 6150/TB-LĐTBXH>"';
const REMOVE_USAGE = 'Cách dùng: npm run -s cli -- calendar:remove --date <dd/mm/yyyy>';
const NOTIFY_USAGE = 'Cách dùng: npm run -s cli -- calendar:notify';

/** A day as operators write it (dd/mm/yyyy), or the storage form (yyyy-mm-dd). */
function civilDate(text: string): string {
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = vn ? `${vn[3]}-${vn[2].padStart(2, '0')}-${vn[1].padStart(2, '0')}` : text;
  if (!isCivilDateString(iso)) throw new UsageError(`--date: ${text} không phải là ngày có thật dạng dd/mm/yyyy`);
  return iso;
}

/** Runs a calendar change with a Temporal client from the environment, printing how many running tasks heard of it. */
async function withTemporal(change: (temporal: Awaited<ReturnType<typeof connectClient>>) => Promise<CalendarChange>, done: string) {
  const temporal = await connectClient(loadConfig(process.env).temporal);
  try {
    const { signalled } = await change(temporal);
    process.stdout.write(`${done}; đã báo cho ${signalled} nhiệm vụ đang chạy.\n`);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    process.stderr.write(`Lỗi: ${err.message}\n`);
    return EXIT_FAILED;
  } finally {
    await temporal.connection.close();
  }
}

/** `calendar:add`: records a decided swap day or extra day off; every running task re-plans its reminders. */
export async function calendarAdd(args: string[]): Promise<number> {
  return runCommand(
    ADD_USAGE,
    () => {
      const flags = parseFlags(args, { date: VALUE, kind: VALUE, reason: VALUE });
      const kindFlag = required(flags.kind, '--kind');
      const kind = KINDS[kindFlag];
      if (!kind) throw new UsageError(`--kind: ${kindFlag} không hợp lệ (nghi-bu hoặc lam-bu)`);
      return { date: civilDate(required(flags.date, '--date')), kind, reason: required(flags.reason, '--reason').trim() };
    },
    (db, override) =>
      withTemporal(
        (temporal) => addCalendarOverride({ db, temporal }, override),
        `Đã ghi ${override.kind === 'day_off' ? 'ngày nghỉ' : 'ngày làm việc'} ${formatVnDate(parseCivilDate(override.date))}`,
      ),
  );
}

/** `calendar:remove`: withdraws the decision recorded for a day; every running task re-plans. */
export async function calendarRemove(args: string[]): Promise<number> {
  return runCommand(
    REMOVE_USAGE,
    () => civilDate(required(parseFlags(args, { date: VALUE }).date, '--date')),
    (db, date) =>
      withTemporal(
        (temporal) => removeCalendarOverride({ db, temporal }, date),
        `Đã bỏ quyết định về ngày ${formatVnDate(parseCivilDate(date))}`,
      ),
  );
}

/** `calendar:notify`: tells every running task to reload the calendar, for a change whose announcement was cut short. */
export async function calendarNotify(args: string[]): Promise<number> {
  return runCommand(
    NOTIFY_USAGE,
    () => parseFlags(args, {}),
    () => withTemporal(notifyCalendarChanged, 'Đã báo lại lịch làm việc'),
  );
}
