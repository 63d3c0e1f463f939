// Who carries the task, and whether it goes on: reassigning the lead unit, cancelling.
import { OPEN_STATUSES } from '../../task';
import { outboxFor, reopenedSuffix } from '../outbox';
import { closeLeadPeriod, copyOf, markLate, recordOn, single } from '../state';
import { invalid, type CommandRule } from './rules';
import type { TaskCommands } from '../commands';

export const OWNERSHIP_COMMANDS = {
  reassign: {
    schema: 'reassignSchema',
    allowedIn: { statuses: OPEN_STATUSES, doing: 'giao lại' },
    issuedBy: { issuer: 'secretariat', issuing: 'giao lại nhiệm vụ' },
    check: (state, command) => (command.newLeadUnit === state.leadUnit ? invalid('Đơn vị mới trùng đơn vị đang chủ trì') : null),
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      const previousLeadUnit = next.leadUnit;
      closeLeadPeriod(next, now);
      next.leadHistory[next.leadHistory.length - 1].reason = command.reason;
      next.leadUnit = command.newLeadUnit;
      next.responsibleOfficial = command.responsibleOfficial;
      next.coordinatingUnits = next.coordinatingUnits.filter((u) => u !== command.newLeadUnit);
      next.leadHistory.push({
        unitCode: command.newLeadUnit,
        responsibleOfficial: command.responsibleOfficial,
        from: now,
        to: null,
        reason: null,
      });
      // The new unit must acknowledge afresh; taking over a task already overdue makes it late too.
      if (next.status !== 'submitted') next.status = 'assigned';
      next.acknowledgedAt = null;
      markLate(next, Date.parse(now));
      const payload = { ...command, previousLeadUnit };
      const notes = outboxFor(next, 'reassigned', `reassigned-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: payload }, now);
      return { ...single(next, recordOn(next, 'reassigned', actor, payload, now, notes)), replanFrom: now, searchAttributesChanged: true };
    },
  },
  cancel: {
    schema: 'cancelSchema',
    allowedIn: { statuses: OPEN_STATUSES, doing: 'hủy' },
    issuedBy: { issuer: 'secretariat', issuing: 'hủy nhiệm vụ' },
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      next.status = 'cancelled';
      next.cancelledAt = now;
      closeLeadPeriod(next, now);
      const notes = outboxFor(
        next,
        'cancelled',
        `cancelled${reopenedSuffix(next)}`,
        ['lead_unit', 'coordinating_units'],
        { level: null, event: command },
        now,
      );
      return single(next, recordOn(next, 'cancelled', actor, command, now, notes));
    },
  },
} satisfies { [K in 'reassign' | 'cancel']: CommandRule<TaskCommands[K]> };
