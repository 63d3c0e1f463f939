// The outbox rows a task's events write: who they go to, their exactly-once keys, their inbox text.
import { inboxNotice } from '../catalog/notices';
import type { RecipientRole } from '../policy';
import type { OutboxNotification, TaskState } from '../task';

// A Party document is numbered "<n>-<kind>/<issuer>" (01-TB/CQTT, 125-TB/TU, 05-KL/BCĐ), a State one
// "<n>/<kind>-<issuer>" (80/TB-UBND, and 27/TB-BCĐ of the People's Committee's steering committee).
const PARTY_COMMITTEE = /(?:-TB\/TU|\/CQTT|^[^/]*-[^/]*\/BCĐ)(?![\p{L}\d])/iu;
const PEOPLES_COMMITTEE = /-UBND(?![\p{L}\d])/iu;
const PEOPLES_STEERING_COMMITTEE = /^[^/-]*\/[^/]*-BCĐ(?![\p{L}\d])/iu;
// The issuer's name when the number says neither: "Tỉnh ủy …" or "Ủy ban nhân dân tỉnh …" / "Ban Chỉ đạo của UBND tỉnh …".
const PARTY_ISSUER = /^(?:ban thường vụ |thường trực |ban chấp hành đảng bộ )?tỉnh [uủ]y/iu;
const PEOPLES_ISSUER = /[uủ]y ban nhân dân tỉnh|ubnd tỉnh/iu;

/**
 * The standing office of the committee that issued a directive (domain brief, "Secretariat"): the
 * Provincial Party Committee's office (VP_TU) for the Party's notices, conclusions and steering
 * committee; the Department of Science and Technology (SKHCN), standing office of the People's
 * Committee's steering committee, for the People's Committee's documents; by the number, else by the
 * issuer's name; otherwise the unit that decides on the task. `launchTask` writes it into the launch.
 */
export function standingOfficeFor(directiveNumber: string, decidedBy: string, issuer?: string | null): string {
  if (PARTY_COMMITTEE.test(directiveNumber)) return 'VP_TU';
  if (PEOPLES_COMMITTEE.test(directiveNumber) || PEOPLES_STEERING_COMMITTEE.test(directiveNumber)) return 'SKHCN';
  const name = issuer?.normalize('NFC') ?? '';
  if (PARTY_ISSUER.test(name)) return 'VP_TU';
  if (PEOPLES_ISSUER.test(name)) return 'SKHCN';
  return decidedBy;
}

/**
 * The rule a workflow applies when its launch names no standing office: launches before issue 13's
 * correction, whose running workflows keep the office they started with (a People's Committee
 * document's level 2 went to VP_UBND). Every launch through `launchTask` names one.
 */
export function launchedStandingOffice(directiveNumber: string, decidedBy: string): string {
  if (PARTY_COMMITTEE.test(directiveNumber)) return 'VP_TU';
  if (PEOPLES_COMMITTEE.test(directiveNumber)) return 'VP_UBND';
  return decidedBy;
}

/** The units a recipient role of this task names (none for roles beyond the task's units). */
export function recipientUnit(state: TaskState, role: RecipientRole): string[] {
  switch (role) {
    case 'lead_unit':
    case 'lead_unit_head':
      return state.coLeadUnit ? [state.leadUnit, state.coLeadUnit] : [state.leadUnit];
    case 'coordinating_units':
      return state.coordinatingUnits;
    case 'standing_office':
      return [state.standingOffice ?? launchedStandingOffice(state.directiveNumber, state.decidedBy)];
    default:
      return [];
  }
}

/**
 * What keeps a step's key apart from the same step in an earlier life of a reopened task ('' before any
 * reopening, so the keys of tasks never reopened are as they always were): the outbox dedupes by key.
 */
export const reopenedSuffix = (state: Pick<TaskState, 'reopenCount'>) => (state.reopenCount ? `@r${state.reopenCount}` : '');

/** What a notice says beyond the task: its level, the event's payload, the report period it chases. */
export interface OutboxContext {
  level: number | null;
  event: Record<string, unknown>;
  periodKey?: string;
}

/**
 * One outbox row per recipient role and unit. The key (task, kind, step, role, unit) is what makes a
 * notification exactly-once: a retried write, or a replay that plans the same step, writes nothing new.
 */
export function outboxFor(
  state: TaskState,
  kind: OutboxNotification['kind'],
  step: string,
  roles: RecipientRole[],
  context: OutboxContext,
  now: string,
): OutboxNotification[] {
  const period = context.periodKey
    ? { key: context.periodKey, dueAt: state.reports.open.find((p) => p.key === context.periodKey)?.due ?? null }
    : null;
  return roles.flatMap((role) => {
    const units: (string | null)[] = recipientUnit(state, role);
    return (units.length ? units : [null]).map((unit) => {
      const { subject, body } = inboxNotice({
        kind,
        level: context.level,
        recipientRole: role,
        recipientUnit: unit ? { code: unit, name: null } : null,
        task: {
          directiveNumber: state.directiveNumber,
          ref: state.ref,
          title: state.title,
          leadUnit: { code: state.leadUnit, name: null },
          dueAt: state.dueAt,
          expectedResult: state.expectedResult,
        },
        event: context.event,
        period,
        now,
      });
      return {
        key: `${state.taskId}/${kind}/${step}/${role}/${unit ?? '-'}`,
        kind,
        step,
        level: context.level,
        recipientRole: role,
        recipientUnit: unit,
        scheduledAt: now,
        subject,
        body,
      };
    });
  });
}
