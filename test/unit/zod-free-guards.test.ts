import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDataSchema, calendarOverridesSchema } from '../../domain/schemas/calendar';
import { checkCalendarData, checkCalendarOverrides, WorkingCalendar } from '../../domain/calendar';
import { InvalidDataError } from '../../domain/guards';
import {
  DEFAULT_NOTIFICATION_POLICY,
  DEFAULT_REPORT_POLICY,
  mergePolicy,
  RECIPIENT_ROLES,
  type NotificationPolicy,
  type NotificationPolicyOverride,
} from '../../domain/policy';
import { notificationPolicyOverrideSchema, notificationPolicySchema, reportPolicySchema } from '../../domain/schemas/policy';

const root = path.resolve(__dirname, '../..');

// Each cached workflow evaluates its own copy of every module the workflow imports at load
// (bench/RESULTS.md, P5); zod schemas cost about a megabyte per copy. The workflow must reach
// none at load, and validate with hand-written checks that accept exactly what the schemas accept.
describe('the workflow load path', () => {
  it('evaluates no zod and no schema module when the workflow module loads', () => {
    const loaded: string[] = JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', '-e', "require('./workflows/directive-task'); console.log(JSON.stringify(Object.keys(require.cache)))"],
        { cwd: root, encoding: 'utf8' },
      ),
    );
    const relative = loaded.map((file) => path.relative(root, file));
    expect(relative).toContain('workflows/directive-task.ts');
    expect(relative).toContain('domain/policy.ts');
    expect(relative.filter((file) => file.split(path.sep).includes('zod'))).toEqual([]);
    expect(relative.filter((file) => file.startsWith('domain/schemas/'))).toEqual([]);
    for (const schemas of ['roles', 'directive']) expect(relative).not.toContain(`domain/${schemas}.ts`);
  });
});

/** `mergePolicy` as it was, with the zod schemas: the reference the hand-written checks must match. */
function mergeWithSchemas(base: NotificationPolicy, ...overrides: readonly unknown[]): NotificationPolicy {
  let merged: Record<string, unknown> = { ...base };
  for (const o of overrides) {
    if (!o) continue;
    const checked = notificationPolicyOverrideSchema.parse(o);
    for (const [k, v] of Object.entries(checked)) if (v !== undefined) merged[k] = v;
  }
  merged = JSON.parse(JSON.stringify(merged));
  return notificationPolicySchema.parse(merged);
}

type Outcome<T> = { ok: true; value: T } | { ok: false };
function outcome<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch {
    return { ok: false };
  }
}

// Mostly valid values, so that whole policies pass often enough for the cross-field rules (the
// ladder's order) to be judged; then each bound's neighbours and values of the wrong type.
const garbage = fc.constantFrom(0.5, -0, NaN, Infinity, 2 ** 53, '3', null, true, undefined, [], {});
const near = (min: number, max: number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 8 },
    { arbitrary: fc.constantFrom(min - 1, max + 1), weight: 1 },
    { arbitrary: garbage, weight: 1 },
  );
const sparse = fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }).map((a) => {
  const holed = [...a];
  holed.length = a.length + 1;
  return holed;
});
const dayList = (min: number, max: number) =>
  fc.oneof(
    { arbitrary: fc.array(near(min, max), { maxLength: 11 }), weight: 8 },
    { arbitrary: sparse, weight: 1 },
    { arbitrary: garbage, weight: 1 },
  );
const recipient = fc.oneof(
  { arbitrary: fc.constantFrom(...RECIPIENT_ROLES), weight: 8 },
  { arbitrary: fc.constantFrom('unit', '', 1, null), weight: 1 },
);
const step = fc.oneof(
  {
    arbitrary: fc.record(
      {
        level: fc.oneof(
          { arbitrary: fc.constantFrom(1, 2, 3), weight: 8 },
          { arbitrary: fc.constantFrom(0, 4, 1.5, '1', null), weight: 1 },
        ),
        afterWorkingDays: near(0, 120),
        recipients: fc.array(recipient, { maxLength: 3 }),
        extra: fc.anything(),
      },
      { requiredKeys: ['level', 'afterWorkingDays', 'recipients'] },
    ),
    weight: 8,
  },
  { arbitrary: fc.anything(), weight: 1 },
);
// Ladders of valid steps, where only the order rules (no level twice, no higher level sooner) decide.
const validSteps = fc.array(
  fc.record({
    level: fc.constantFrom(1, 2, 3),
    afterWorkingDays: fc.integer({ min: 0, max: 12 }),
    recipients: fc.array(fc.constantFrom(...RECIPIENT_ROLES), { minLength: 1, maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 3 },
);
const ladder = fc.oneof(
  { arbitrary: validSteps, weight: 6 },
  { arbitrary: fc.array(step, { maxLength: 4 }), weight: 4 },
  { arbitrary: fc.anything(), weight: 1 },
);
const override = fc.oneof(
  {
    arbitrary: fc.record(
      {
        acknowledgeReminderWorkingDays: dayList(1, 60),
        acknowledgeEscalationWorkingDays: near(1, 60),
        remindBeforeDueWorkingDays: dayList(0, 120),
        sendAtHour: near(0, 23),
        escalationLadder: ladder,
        urgeEveryDays: near(1, 90),
        unknownField: fc.anything(),
      },
      { requiredKeys: [] },
    ),
    weight: 8,
  },
  { arbitrary: fc.anything(), weight: 1 },
);

describe('mergePolicy without zod', () => {
  it('accepts, rejects and returns exactly what the zod schemas did', () => {
    const judged = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(override, { maxLength: 3 }), (overrides) => {
        const expected = outcome(() => mergeWithSchemas(DEFAULT_NOTIFICATION_POLICY, ...overrides));
        const actual = outcome(() => mergePolicy(DEFAULT_NOTIFICATION_POLICY, ...(overrides as NotificationPolicyOverride[])));
        expect(actual).toEqual(expected);
        judged[expected.ok ? 'accepted' : 'rejected']++;
      }),
      { numRuns: 3000 },
    );
    // Both answers must be common, or the comparison proves little.
    expect(judged.accepted).toBeGreaterThan(300);
    expect(judged.rejected).toBeGreaterThan(300);
  });

  it('checks the base as the schema did, filling a missing field with its default', () => {
    fc.assert(
      fc.property(override, (base) => {
        const expected = outcome(() => mergeWithSchemas(base as NotificationPolicy));
        const actual = outcome(() => mergePolicy(base as NotificationPolicy));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects with a Vietnamese reason naming the field', () => {
    expect(() => mergePolicy(DEFAULT_NOTIFICATION_POLICY, { sendAtHour: 25 })).toThrow(
      new InvalidDataError('chính sách nhắc việc không hợp lệ: sendAtHour phải là số nguyên từ 0 đến 23'),
    );
    const ladderTwice = [1, 1].map((level) => ({
      level,
      afterWorkingDays: 0,
      recipients: ['standing_office'],
    })) as NotificationPolicy['escalationLadder'];
    expect(() => mergePolicy(DEFAULT_NOTIFICATION_POLICY, { escalationLadder: ladderTwice })).toThrow('escalationLadder cấp 1 bị lặp');
  });

  it('keeps the defaults the schemas fill in', () => {
    expect(notificationPolicySchema.parse({})).toEqual(DEFAULT_NOTIFICATION_POLICY);
    expect(reportPolicySchema.parse({})).toEqual(DEFAULT_REPORT_POLICY);
    expect(Object.isFrozen(notificationPolicySchema.parse({}).escalationLadder)).toBe(false);
  });
});

const dateLike = fc.oneof(
  fc.date({ min: new Date('1999-01-01'), max: new Date('2101-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2025-02-29', '2024-02-29', '2025-13-01', '2025-1-01', '', 20250101, null),
);
const dates = fc.oneof(fc.array(dateLike, { maxLength: 4 }), fc.anything());
const calendarData = fc.oneof(
  fc.record(
    {
      holidays: dates,
      extraWorkingDays: dates,
      extraDaysOff: dates,
      coveredYears: fc.oneof(
        fc.array(fc.oneof(fc.integer({ min: 1990, max: 2110 }), fc.constantFrom(2025.5, NaN, 2 ** 60, '2025')), { maxLength: 4 }),
        fc.constantFrom(undefined, null),
      ),
      other: fc.anything(),
    },
    { requiredKeys: ['holidays', 'extraWorkingDays', 'extraDaysOff'] },
  ),
  fc.anything(),
);
const overrideEntry = fc.oneof(
  fc.record(
    {
      date: dateLike,
      kind: fc.constantFrom('day_off', 'working_day', 'holiday', null),
      reason: fc.constantFrom('Nghỉ bù', '', 3),
      note: fc.anything(),
    },
    { requiredKeys: ['date', 'kind', 'reason'] },
  ),
  fc.anything(),
);

describe('calendar checks without zod', () => {
  it('accept, reject and return what calendarDataSchema does', () => {
    fc.assert(
      fc.property(calendarData, (data) => {
        expect(outcome(() => checkCalendarData(data))).toEqual(outcome(() => calendarDataSchema.parse(data)));
      }),
      { numRuns: 3000 },
    );
  });

  it('accept, reject and return what calendarOverridesSchema does, duplicates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(overrideEntry, { maxLength: 4 }), fc.anything()), (overrides) => {
        expect(outcome(() => checkCalendarOverrides(overrides))).toEqual(outcome(() => calendarOverridesSchema.parse(overrides)));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuse to build a calendar from data that is not a calendar', () => {
    expect(() => new WorkingCalendar({ holidays: ['2025-02-30'], extraWorkingDays: [], extraDaysOff: [] })).toThrow(
      'dữ liệu lịch làm việc không hợp lệ: holidays[0] phải là ngày có thật, dạng YYYY-MM-DD',
    );
  });
});
