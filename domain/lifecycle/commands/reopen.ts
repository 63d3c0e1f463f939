// Reopening a completed or cancelled task that must be done again.
import type { ReopenCommand } from '../../schemas/task-commands';
import { outboxFor } from '../outbox';
import { copyOf, recordOn, single } from '../state';
import { invalid, invalidState, type CommandRule } from './rules';

/**
 * Reopening a completed or cancelled task that must be done again: not an Update (a closed workflow
 * takes none) but the first act of a new run of the same workflow, carrying the closed state, so the
 * same task and chain continue (`services/task-reopen.ts`). Its checks are the table's.
 */
export const REOPEN: CommandRule<ReopenCommand> = {
  schema: 'reopenSchema',
  allowedIn: { statuses: ['completed', 'cancelled'], doing: 'mở lại' },
  issuedBy: { issuer: 'secretariat', issuing: 'mở lại nhiệm vụ' },
  check: (state, command, _actor, now) => {
    if (state.deadlineKind !== 'date') return invalidState('Chỉ mở lại được nhiệm vụ có thời hạn cụ thể');
    return Date.parse(command.newDueAt) <= now ? invalid('Thời hạn mới phải ở tương lai') : null;
  },
  apply: (state, command, actor, now) => {
    const next = copyOf(state);
    const previousStatus = next.status;
    const previousDueAt = next.dueAt;
    next.reopenCount = (next.reopenCount ?? 0) + 1;
    next.status = next.acknowledgedAt ? 'in_progress' : 'assigned';
    next.dueAt = new Date(command.newDueAt).toISOString();
    next.submittedAt = null;
    next.completedAt = null;
    next.cancelledAt = null;
    next.outcome = null;
    next.pendingExtension = null;
    next.escalationLevel = 0;
    // The unit leads again from now: the time between closing and reopening is no one's.
    next.leadHistory.push({ unitCode: next.leadUnit, responsibleOfficial: next.responsibleOfficial, from: now, to: null, reason: null });
    const payload = { ...command, previousStatus, previousDueAt, dueAt: next.dueAt, reopenCount: next.reopenCount };
    const notes = outboxFor(next, 'reopened', `reopened-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: payload }, now);
    return { ...single(next, recordOn(next, 'reopened', actor, payload, now, notes)), replanFrom: now, searchAttributesChanged: true };
  },
};
