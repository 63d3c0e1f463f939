// Extensions of the deadline: the lead unit asks, the secretariat decides.
import { outboxFor } from '../outbox';
import { copyOf, isClosed, recordOn, single } from '../state';
import { change, invalid, invalidState, WORKING, type CommandRule } from './rules';
import type { TaskCommands } from '../commands';

export const EXTENSION_COMMANDS = {
  requestExtension: {
    schema: 'requestExtensionSchema',
    allowedIn: { statuses: ['assigned', ...WORKING], doing: 'xin gia hạn' },
    issuedBy: { issuer: 'lead', issuing: 'xin gia hạn' },
    check: (state, command, _actor, now) => {
      if (state.deadlineKind !== 'date' || !state.dueAt) return invalidState('Nhiệm vụ không có thời hạn cụ thể để gia hạn');
      if (state.pendingExtension) return invalidState('Đã có một đề nghị gia hạn đang chờ quyết định');
      if (Date.parse(command.requestedDueAt) <= now) return invalid('Thời hạn đề nghị phải ở tương lai');
      if (Date.parse(command.requestedDueAt) <= Date.parse(state.dueAt)) return invalid('Thời hạn đề nghị phải sau thời hạn hiện tại');
      return null;
    },
    apply: (state, command, actor, now) =>
      change(state, 'extension_requested', actor, now, (next) => {
        next.pendingExtension = {
          requestedDueAt: new Date(command.requestedDueAt).toISOString(),
          reason: command.reason,
          requestedBy: actor.userId,
          requestedAt: now,
        };
        return command;
      }),
  },
  decideExtension: {
    schema: 'decideExtensionSchema',
    allowedIn: { statuses: null, doing: 'quyết định gia hạn' },
    issuedBy: { issuer: 'secretariat', issuing: 'quyết định gia hạn' },
    check: (state, command, _actor, now) => {
      if (!state.pendingExtension) return invalidState('Không có đề nghị gia hạn nào đang chờ');
      if (isClosed(state)) return invalidState('Nhiệm vụ đã kết thúc');
      if (!command.approve && !command.reason) return invalid('Từ chối gia hạn phải nêu lý do');
      const newDue = command.newDueAt ?? state.pendingExtension.requestedDueAt;
      if (!command.approve) return null;
      if (Date.parse(newDue) <= now) return invalid('Thời hạn mới phải ở tương lai');
      // A validator rule: it refuses before anything enters history, so running workflows replay unchanged.
      return state.dueAt && Date.parse(newDue) <= Date.parse(state.dueAt)
        ? invalid('Gia hạn phải đưa thời hạn mới về sau thời hạn hiện tại; muốn rút ngắn thời hạn thì không dùng gia hạn')
        : null;
    },
    apply: (state, command, actor, now) => {
      const next = copyOf(state);
      const request = next.pendingExtension!;
      const previousDueAt = next.dueAt;
      next.pendingExtension = null;
      if (command.approve) {
        next.dueAt = new Date(command.newDueAt ?? request.requestedDueAt).toISOString();
        next.extensionCount++;
        next.escalationLevel = 0;
      }
      const payload = {
        ...command,
        previousDueAt,
        dueAt: next.dueAt,
        requestedDueAt: request.requestedDueAt,
        requestReason: request.reason,
        extensionCount: next.extensionCount,
      };
      const notes = outboxFor(
        next,
        'extension_decided',
        `extension-${next.auditSeq + 1}`,
        ['lead_unit'],
        { level: null, event: payload },
        now,
      );
      const recorded = recordOn(next, command.approve ? 'extension_approved' : 'extension_denied', actor, payload, now, notes);
      // An approved extension restarts the ladder: the plan is rebuilt from the new deadline.
      return { ...single(next, recorded), replanFrom: command.approve ? now : undefined, searchAttributesChanged: true };
    },
  },
} satisfies { [K in 'requestExtension' | 'decideExtension']: CommandRule<TaskCommands[K]> };
