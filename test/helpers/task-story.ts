import type { Kysely } from 'kysely';
import { createActivities } from '../../activities';
import type { Database } from '../../db/schema';
import {
  applyCommand,
  recordLaunch,
  refusalOf,
  REOPEN,
  reopenRefusal,
  type CommandName,
  type TaskCommands,
} from '../../domain/lifecycle/commands';
import { markOverdue, notify, openDuePeriod } from '../../domain/lifecycle/schedule';
import { initialState, type Transition } from '../../domain/lifecycle/state';
import type { Actor, CompleteLaunch } from '../../domain/schemas/task';
import type { TaskState } from '../../domain/task';

/*
 * A task's life told without a workflow: the lifecycle table's transitions at chosen instants, each
 * event recorded by the real `recordEvent` activity (audit row, read model, report history) into
 * PostgreSQL. For report tests that need a history dated in the past; the workflow tests cover the
 * shell that issues the same transitions.
 */

export const SECRETARIAT: Actor = { userId: 'thu.ky', unitCode: 'VP_TU', roles: ['secretariat'] };
const officerOf = (unitCode: string): Actor => ({ userId: `can.bo.${unitCode.toLowerCase()}`, unitCode, roles: ['unit_officer'] });
const iso = (instant: string) => new Date(instant).toISOString();

export function storyLaunch(directiveNumber: string, ref: string, leadUnit: string, deadline: CompleteLaunch['deadline']): CompleteLaunch {
  return {
    directiveNumber,
    ref,
    title: `Nhiệm vụ ${ref}`,
    description: '',
    leadUnit,
    coLeadUnit: null,
    responsibleOfficial: 'Giám đốc Sở',
    coordinatingUnits: [],
    deadline,
    assignedBy: 'Đồng chí Bí thư Tỉnh ủy',
    decidedBy: 'VP_TU',
    expectedResult: 'Có kết quả',
    targets: [],
  };
}

export class TaskStory {
  state: TaskState;
  private readonly record: ReturnType<typeof createActivities>['recordEvent'];

  private constructor(db: Kysely<Database>, taskId: string, launch: CompleteLaunch, at: string) {
    this.record = createActivities({ db }).recordEvent;
    this.state = initialState({ taskId, launch }, iso(at));
  }

  /** A task launched at `at`, its first event recorded. */
  static async launch(db: Kysely<Database>, taskId: string, launch: CompleteLaunch, at: string): Promise<TaskStory> {
    const story = new TaskStory(db, taskId, launch, at);
    await story.take(recordLaunch(story.state, launch, iso(at)));
    return story;
  }

  private async take(t: Transition | null): Promise<void> {
    if (!t) return;
    this.state = t.state;
    for (const { event, snapshot } of t.recorded) await this.record({ taskId: this.state.taskId, event, snapshot, notifications: [] });
  }

  /** A command by the lead unit's officer (or the secretariat for its own), refused commands throwing. */
  async command<K extends CommandName>(name: K, command: TaskCommands[K], at: string, actor?: Actor): Promise<void> {
    const by =
      actor ??
      (['approve', 'return', 'decideExtension', 'reassign', 'cancel'].includes(name) ? SECRETARIAT : officerOf(this.state.leadUnit));
    const refusal = refusalOf(name, this.state, command, by, Date.parse(at));
    if (refusal) throw new Error(`${name} refused at ${at}: ${refusal.message}`);
    // The rules every workflow started today applies.
    await this.take(applyCommand(name, this.state, command, by, iso(at), { lateReports: true }));
  }

  /** Whether the command would be accepted now (for generated stories). */
  allows<K extends CommandName>(name: K, command: TaskCommands[K], at: string): boolean {
    const by = ['approve', 'return', 'decideExtension', 'reassign', 'cancel'].includes(name) ? SECRETARIAT : officerOf(this.state.leadUnit);
    return refusalOf(name, this.state, command, by, Date.parse(at)) === null;
  }

  /** The workflow's wake-up at `at`: the deadline passing, report periods opening. */
  async wakeUp(at: string): Promise<void> {
    await this.take(markOverdue(this.state, Date.parse(at), iso(at)));
    for (
      let opened = openDuePeriod(this.state, Date.parse(at), iso(at));
      opened;
      opened = openDuePeriod(this.state, Date.parse(at), iso(at))
    )
      await this.take(opened);
  }

  /** The workflow's escalation of the given level sent at `at`, as its schedule would send it. */
  async escalate(level: 1 | 2 | 3, at: string): Promise<void> {
    await this.take(
      notify(this.state, { kind: 'escalation', step: `escalation-${level}`, at: iso(at), level, recipients: ['lead_unit'] }, iso(at)),
    );
  }

  async submitWithEvidence(at: string): Promise<void> {
    const evidenceId = `mc-${this.state.auditSeq}`;
    const file = { fileName: `${evidenceId}.pdf`, sha256: 'a'.repeat(64), contentType: 'application/pdf', size: 10, description: '' };
    await this.command('attachEvidence', { evidenceId, ...file }, at);
    await this.command('submit', { summary: 'Đã hoàn thành', evidenceIds: [evidenceId] }, at);
  }

  async extend(requestedAt: string, decidedAt: string, newDueAt: string): Promise<void> {
    await this.command('requestExtension', { requestedDueAt: iso(newDueAt), reason: 'Chờ kinh phí' }, requestedAt);
    await this.command('decideExtension', { approve: true, newDueAt: iso(newDueAt), reason: '' }, decidedAt);
  }

  async reopen(at: string, newDueAt: string): Promise<void> {
    const command = { reason: 'Kiểm tra phát hiện minh chứng chưa đạt', newDueAt: iso(newDueAt) };
    if (reopenRefusal(this.state, command, SECRETARIAT, Date.parse(at))) throw new Error(`reopen refused at ${at}`);
    await this.take(REOPEN.apply(this.state, command, SECRETARIAT, iso(at)));
  }
}
