// The periodic reports of a recurring obligation.
import { finishRecurring } from '../schedule';
import { change, invalid, WORKING, type CommandRule } from './rules';
import type { TaskCommands } from '../commands';

const CLOSED_PERIODS_KEPT = 24;

export const REPORTING_COMMANDS = {
  submitReport: {
    schema: 'submitReportSchema',
    allowedIn: { statuses: ['assigned', ...WORKING], doing: 'nộp báo cáo định kỳ' },
    issuedBy: { issuer: 'lead', issuing: 'nộp báo cáo định kỳ' },
    check: (state, command) =>
      state.reports.open.some((p) => p.key === command.periodKey)
        ? null
        : invalid(
            `Kỳ báo cáo ${command.periodKey} không mở (các kỳ đang mở: ${state.reports.open.map((p) => p.key).join(', ') || 'không có'})`,
          ),
    apply: (state, command, actor, now, rules = {}) =>
      change(state, 'report_submitted', actor, now, (next) => {
        const period = next.reports.open.find((p) => p.key === command.periodKey)!;
        period.submittedAt = now;
        period.onTime = Date.parse(now) <= Date.parse(period.due);
        if (period.onTime) next.reports.submittedOnTime++;
        else next.reports.submittedLate++;
        // A report sent after its due date is the lead unit's lateness, on record as any other (issue 13).
        if (!period.onTime && rules.lateReports && !next.lateUnits.includes(next.leadUnit)) next.lateUnits.push(next.leadUnit);
        next.reports.open = next.reports.open.filter((p) => p !== period);
        next.reports.lastClosed.push(period);
        if (next.reports.lastClosed.length > CLOSED_PERIODS_KEPT) next.reports.lastClosed.shift();
        if (next.status === 'assigned' || next.status === 'acknowledged') next.status = 'in_progress';
        return { ...command, due: period.due, onTime: period.onTime };
      }),
    afterwards: finishRecurring,
  },
} satisfies { [K in 'submitReport']: CommandRule<TaskCommands[K]> };
