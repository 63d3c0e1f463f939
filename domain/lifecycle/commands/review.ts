// The claim of completion and its review: submitting, approving, returning.
import { outboxFor, reopenedSuffix } from '../outbox';
import { closeLeadPeriod, copyOf, recordOn, settleTargets, single } from '../state';
import { entering, invalid, invalidState, missingEvidence, WORKING, type CommandRule } from './rules';
import type { TaskCommands } from '../commands';

export const REVIEW_COMMANDS = {
  submit: {
    schema: 'submitSchema',
    allowedIn: { statuses: WORKING, doing: 'đề nghị hoàn thành' },
    issuedBy: { issuer: 'lead', issuing: 'đề nghị hoàn thành' },
    check: (state, command) => {
      if (state.deadlineKind !== 'date')
        return invalidState('Nhiệm vụ định kỳ/thường xuyên được báo cáo theo kỳ, không đề nghị hoàn thành');
      const missing = missingEvidence(state, command.evidenceIds);
      if (missing) return missing;
      return command.evidenceIds.length === 0 && state.evidence.length === 0 ? invalid('Đề nghị hoàn thành phải kèm minh chứng') : null;
    },
    apply: entering('submitted', 'submittedAt'),
  },
  approve: {
    schema: 'approveSchema',
    allowedIn: { statuses: ['submitted'], doing: 'duyệt hoàn thành' },
    issuedBy: { issuer: 'secretariat', issuing: 'duyệt hoàn thành' },
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      // Lateness is judged by when the unit claimed completion, against the deadline in force.
      const claimedAt = next.submittedAt ?? now;
      next.status = 'completed';
      next.completedAt = now;
      next.outcome = next.dueAt && Date.parse(claimedAt) > Date.parse(next.dueAt) ? 'completed_late' : 'completed_on_time';
      settleTargets(next, now);
      closeLeadPeriod(next, now);
      const payload = {
        ...command,
        outcome: next.outcome,
        claimedAt,
        dueAt: next.dueAt,
        targetsMet: next.targets.filter((t) => t.met).map((t) => t.id),
      };
      const notes = outboxFor(next, 'approved', `approved${reopenedSuffix(next)}`, ['lead_unit'], { level: null, event: payload }, now);
      return single(next, recordOn(next, 'approved', actor, payload, now, notes));
    },
  },
  return: {
    schema: 'returnSchema',
    allowedIn: { statuses: ['submitted'], doing: 'trả lại' },
    issuedBy: { issuer: 'secretariat', issuing: 'trả lại đề nghị hoàn thành' },
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      next.status = 'returned';
      next.lastReturnReason = command.reason;
      const notes = outboxFor(next, 'returned', `returned-${next.auditSeq + 1}`, ['lead_unit'], { level: null, event: command }, now);
      return single(next, recordOn(next, 'returned', actor, command, now, notes));
    },
  },
} satisfies { [K in 'submit' | 'approve' | 'return']: CommandRule<TaskCommands[K]> };
