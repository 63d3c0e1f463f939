// The unit's work on a task: acknowledging it, reporting progress, attaching evidence, recording measurements.
import { change, entering, invalid, invalidState, isLeadActor, missingEvidence, WORKING, type CommandRule } from './rules';
import { targetProgress } from '../state';
import type { TaskCommands } from '../commands';

const PROGRESS_KEPT = 50;

export const WORK_COMMANDS = {
  acknowledge: {
    schema: 'acknowledgeSchema',
    allowedIn: { statuses: ['assigned'], doing: 'tiếp nhận' },
    issuedBy: { issuer: 'lead', issuing: 'xác nhận tiếp nhận' },
    apply: entering('acknowledged', 'acknowledgedAt'),
  },
  reportProgress: {
    schema: 'reportProgressSchema',
    allowedIn: { statuses: WORKING, doing: 'báo cáo tiến độ' },
    issuedBy: { issuer: 'leadOrCoordinating', issuing: 'báo cáo tiến độ' },
    apply: (state, command, actor, now) =>
      change(state, 'progress_reported', actor, now, (next) => {
        if (isLeadActor(next, actor)) next.status = 'in_progress';
        next.progress.push({ at: now, by: actor.userId, unitCode: actor.unitCode, text: command.text, percent: command.percent });
        if (next.progress.length > PROGRESS_KEPT) next.progress.splice(0, next.progress.length - PROGRESS_KEPT);
        return command;
      }),
  },
  attachEvidence: {
    schema: 'evidenceSchema',
    allowedIn: { statuses: [...WORKING, 'assigned'], doing: 'bổ sung minh chứng' },
    issuedBy: { issuer: 'leadOrCoordinating', issuing: 'bổ sung minh chứng' },
    check: (state, command) =>
      state.evidence.some((e) => e.evidenceId === command.evidenceId)
        ? invalidState(`Minh chứng ${command.evidenceId} đã được đính kèm`)
        : null,
    apply: (state, command, actor, now) =>
      change(state, 'evidence_attached', actor, now, (next) => {
        next.evidence.push({ ...command, attachedBy: actor.userId, unitCode: actor.unitCode, attachedAt: now });
        return command;
      }),
  },
  recordMeasurement: {
    schema: 'recordMeasurementSchema',
    allowedIn: { statuses: WORKING, doing: 'ghi nhận số liệu' },
    issuedBy: { issuer: 'leadOrCoordinating', issuing: 'ghi nhận số liệu' },
    check: (state, command) =>
      state.targets.some((t) => t.id === command.targetId)
        ? missingEvidence(state, command.evidenceIds)
        : invalid(`Không có chỉ tiêu ${command.targetId}`),
    apply: (state, command, actor, now) =>
      change(state, 'measurement_recorded', actor, now, (next) => {
        const target = next.targets.find((t) => t.id === command.targetId)!;
        const seq = target.measurements.length + 1;
        target.measurements.push({
          seq,
          value: command.value,
          measuredOn: command.measuredOn,
          evidenceIds: command.evidenceIds,
          note: command.note,
          recordedBy: actor.userId,
          unitCode: actor.unitCode,
          recordedAt: now,
          accepted: false,
        });
        target.latestValue = command.value;
        target.progress = targetProgress(target, command.value);
        if (isLeadActor(next, actor)) next.status = 'in_progress';
        return { ...command, seq };
      }),
  },
} satisfies { [K in 'acknowledge' | 'reportProgress' | 'attachEvidence' | 'recordMeasurement']: CommandRule<TaskCommands[K]> };
