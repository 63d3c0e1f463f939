// The outbox rows a task's events write: who they go to, their exactly-once keys, their inbox text.
import { inboxNotice } from '../catalog/notices';
import type { RecipientRole } from '../policy';
import type { OutboxNotification, TaskState } from '../task';

/** The units a recipient role of this task names (none for roles beyond the task's units). */
export function recipientUnit(state: TaskState, role: RecipientRole): string[] {
  switch (role) {
    case 'lead_unit':
    case 'lead_unit_head':
      return state.coLeadUnit ? [state.leadUnit, state.coLeadUnit] : [state.leadUnit];
    case 'coordinating_units':
      return state.coordinatingUnits;
    case 'standing_office':
      return [state.decidedBy];
    default:
      return [];
  }
}

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
