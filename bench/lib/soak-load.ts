import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addUnit, addUser, issueToken } from '../../db/repositories/auth';
import type { Database } from '../../db/schema';
import { collectiveUnitCodes, unitRegistry } from '../../domain/units';
import type { CompleteLaunch } from '../../domain/schemas/task';
import type { TaskState, TaskStatus } from '../../domain/task';
import { pickWeighted } from '../../test/helpers/random';
import { runPool } from './stats';

/*
 * What a soak run sends: the province's units and users, the open assignments it launches, and
 * the open-loop mix of commands and reads, each sent as the user who would send it. The driver
 * keeps its own picture of every assignment (from the states the commands answer), so that it
 * asks the right unit for the right command in the right state instead of collecting 409s.
 */

const DAY = 86_400_000;

// ---- the province: units and users ----

export interface SoakUnit {
  code: string;
  name: string;
  /** `Bearer dtk_…` of the unit's officer. */
  officer: string;
}

export interface SoakUsers {
  units: SoakUnit[];
  secretariat: string[];
  inspector: string;
  /** The standing office's unit: `decidedBy` of every assignment, where the secretariat sits. */
  standingOffice: string;
}

/**
 * `count` units: the registry's real departments, committees and localities first (collectives
 * excluded: they are expanded before launch), then numbered communes and wards. One unit officer
 * each, two secretariat officers in the standing office and one inspector; tokens issued.
 */
export async function seedUsers(db: Kysely<Database>, count: number): Promise<SoakUsers> {
  const real = unitRegistry
    .filter((u) => !collectiveUnitCodes.has(u.code) && /^[A-Z0-9_]{2,40}$/.test(u.code))
    .map((u) => ({ code: u.code, name: u.name }));
  const units = real.slice(0, count);
  for (let i = 1; units.length < count; i++) {
    units.push({
      code: `XA_${String(i).padStart(4, '0')}`,
      name: i % 3 === 0 ? `Ủy ban nhân dân phường số ${i}` : `Ủy ban nhân dân xã số ${i}`,
    });
  }
  const standingOffice = 'SKHCN';
  const inspectionUnit = 'UBKT_TU';
  for (const code of [standingOffice, inspectionUnit]) {
    if (!units.some((u) => u.code === code)) await addUnit(db, { code, name: unitRegistry.find((u) => u.code === code)?.name ?? code });
  }
  const seeded: SoakUnit[] = new Array(units.length);
  await runPool(units, 8, async (u, i) => {
    await addUnit(db, { code: u.code, name: u.name });
    const login = `soak.${u.code.toLowerCase()}`;
    await addUser(db, { login, unitCode: u.code, roles: ['unit_officer'], fullName: `Chuyên viên ${u.name}` });
    seeded[i] = { ...u, officer: `Bearer ${(await issueToken(db, login)).token}` };
  });
  const user = async (login: string, unitCode: string, roles: ('secretariat' | 'inspector')[]) => {
    await addUser(db, { login, unitCode, roles });
    return `Bearer ${(await issueToken(db, login)).token}`;
  };
  return {
    units: seeded,
    secretariat: [
      await user('soak.secretariat.1', standingOffice, ['secretariat']),
      await user('soak.secretariat.2', standingOffice, ['secretariat']),
    ],
    inspector: await user('soak.inspector', inspectionUnit, ['inspector']),
    standingOffice,
  };
}

// ---- the open assignments ----

export type DeadlineKind = 'date' | 'recurring' | 'ongoing';

/**
 * The lead unit of the next assignment: skewed towards the front of the list (departments and
 * the provincial committee carry far more items than a commune), as in the seed documents.
 */
export function pickUnitIndex(random: () => number, count: number): number {
  return Math.min(count - 1, Math.floor(count * random() ** 2.5));
}

/**
 * Assignment `i`: about 70% with a fixed date (a few due within days, so reminders fire during the
 * run; most within the year), 20% recurring monthly reports on the 20th until the year's end
 * (some quarterly), 10% ongoing duties reported monthly or quarterly — the shape of seed 004's
 * "hoàn thành trước ngày …", "định kỳ ngày 20 hàng tháng báo cáo", "nhiệm vụ thường xuyên".
 */
export function launchFor(
  i: number,
  random: () => number,
  users: SoakUsers,
  nowMs: number,
): { launch: CompleteLaunch; kind: DeadlineKind; lead: number } {
  const lead = pickUnitIndex(random, users.units.length);
  const coordinating = pickUnitIndex(random, users.units.length);
  const r = random();
  const kind: DeadlineKind = r < 0.7 ? 'date' : r < 0.9 ? 'recurring' : 'ongoing';
  const rule = random() < 0.75 ? { freq: 'monthly' as const, dayOfMonth: 20 } : { freq: 'quarterly' as const, dueOffsetDays: 5 };
  const dueInDays = random() < 0.1 ? 2 + Math.floor(random() * 10) : 15 + Math.floor(random() * 330);
  const deadline =
    kind === 'date'
      ? { kind, dueAt: new Date(nowMs + dueInDays * DAY).toISOString() }
      : kind === 'recurring'
        ? { kind, rule, until: new Date(nowMs + 365 * DAY).toISOString() }
        : { kind, rule };
  const directive = Math.floor(i / 100) + 1;
  const item = i % 100;
  const unit = users.units[lead];
  return {
    kind,
    lead,
    launch: {
      directiveNumber: `${directive}-TB/BCĐ`,
      ref: `${Math.floor(item / 10) + 1}.${(item % 10) + 1}`,
      title:
        kind === 'date'
          ? `Hoàn thành hạng mục ${item + 1} của kế hoạch chuyển đổi số năm 2026 tại ${unit.name}`
          : `Báo cáo định kỳ kết quả thực hiện chỉ tiêu ${item + 1} về dịch vụ công trực tuyến`,
      description: 'Theo Kết luận của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số.',
      leadUnit: unit.code,
      coLeadUnit: null,
      responsibleOfficial: `Thủ trưởng ${unit.name}`,
      coordinatingUnits: coordinating === lead ? [] : [users.units[coordinating].code],
      deadline,
      assignedBy: 'Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
      decidedBy: users.standingOffice,
      expectedResult: 'Kết quả được báo cáo bằng văn bản kèm minh chứng, đúng chỉ tiêu được giao',
      targets: [],
    } as CompleteLaunch,
  };
}

// ---- the driver's picture of each assignment ----

export interface SoakTask {
  id: string;
  lead: number;
  kind: DeadlineKind;
  status: TaskStatus;
  dueAt: string | null;
  evidenceIds: string[];
  pendingExtension: boolean;
  /** Open periods not yet reported; null until a state has been seen. */
  openPeriods: string[] | null;
  busy: boolean;
  /**
   * A command of ours went unanswered (timeout, 5xx) or was refused: the workflow may hold a
   * state the driver never saw, so the next user looks at the task before acting on it.
   */
  stale: boolean;
}

/** A set of task indices with O(1) add, remove and uniform pick. */
class IndexSet {
  private readonly items: number[] = [];
  private readonly pos = new Map<number, number>();
  get size() {
    return this.items.length;
  }
  add(i: number) {
    if (this.pos.has(i)) return;
    this.pos.set(i, this.items.length);
    this.items.push(i);
  }
  remove(i: number) {
    const p = this.pos.get(i);
    if (p === undefined) return;
    const last = this.items.pop()!;
    if (last !== i) {
      this.items[p] = last;
      this.pos.set(last, p);
    }
    this.pos.delete(i);
  }
  has(i: number): boolean {
    return this.pos.has(i);
  }
  pick(random: () => number): number | undefined {
    return this.items.length ? this.items[Math.floor(random() * this.items.length)] : undefined;
  }
}

const WORKING: readonly TaskStatus[] = ['acknowledged', 'in_progress', 'returned'];
type PoolName = 'assigned' | 'working' | 'withEvidence' | 'extendable' | 'submitted' | 'extension' | 'periodic' | 'open';

export class TaskBook {
  readonly tasks: SoakTask[] = [];
  private readonly pools: Record<PoolName, IndexSet> = {
    assigned: new IndexSet(),
    working: new IndexSet(),
    withEvidence: new IndexSet(),
    extendable: new IndexSet(),
    submitted: new IndexSet(),
    extension: new IndexSet(),
    periodic: new IndexSet(),
    open: new IndexSet(),
  };

  add(t: Omit<SoakTask, 'busy' | 'stale'>): void {
    this.tasks.push({ ...t, busy: false, stale: false });
    this.place(this.tasks.length - 1);
  }

  size(pool: PoolName): number {
    return this.pools[pool].size;
  }

  /** Takes a task out of every pool while a request about it is in flight. */
  take(pool: PoolName, random: () => number): number | undefined {
    const i = this.pools[pool].pick(random);
    if (i === undefined) return undefined;
    this.tasks[i].busy = true;
    for (const p of Object.values(this.pools)) p.remove(i);
    return i;
  }

  /** Puts a task back, with what the workflow answered when there was an answer. */
  /** Would the task, as the driver now sees it, be drawn from `pool`? */
  fits(i: number, pool: PoolName): boolean {
    const held = this.tasks[i].busy;
    this.place(i);
    const yes = this.pools[pool].has(i);
    if (held) for (const p of Object.values(this.pools)) p.remove(i);
    return yes;
  }

  release(i: number, state?: TaskState | null): void {
    if (state) this.apply(i, state);
    this.tasks[i].busy = false;
    this.place(i);
  }

  /** Brings the driver's picture of a task up to a state the API answered. */
  apply(i: number, state: TaskState): void {
    const t = this.tasks[i];
    t.status = state.status;
    t.dueAt = state.dueAt;
    t.evidenceIds = state.evidence.map((e) => e.evidenceId);
    t.pendingExtension = state.pendingExtension !== null;
    t.openPeriods = state.reports.open.filter((p) => !p.submittedAt).map((p) => p.key);
    t.stale = false;
  }

  private place(i: number): void {
    const t = this.tasks[i];
    if (t.status === 'completed' || t.status === 'cancelled') return;
    this.pools.open.add(i);
    if (t.status === 'assigned') this.pools.assigned.add(i);
    if (t.status === 'submitted') this.pools.submitted.add(i);
    if (WORKING.includes(t.status)) {
      if (t.pendingExtension) this.pools.extension.add(i);
      else {
        this.pools.working.add(i);
        // Only an assignment with a date is claimed complete or extended; a periodic one reports by period.
        if (t.kind === 'date' && t.evidenceIds.length) this.pools.withEvidence.add(i);
        if (t.kind === 'date' && t.dueAt) this.pools.extendable.add(i);
      }
    }
    // The workflow takes a period's report from the lead unit before it acknowledges, too.
    if ((t.status === 'assigned' || WORKING.includes(t.status)) && t.kind !== 'date' && (t.openPeriods === null || t.openPeriods.length))
      this.pools.periodic.add(i);
  }
}

// ---- the mix ----

export type OpName =
  | 'acknowledge'
  | 'progress'
  | 'evidence'
  | 'submit'
  | 'approve'
  | 'return'
  | 'extension-request'
  | 'extension-decision'
  | 'report'
  | 'detail'
  | 'history'
  | 'report-units'
  | 'inbox';

export const READS: ReadonlySet<OpName> = new Set(['detail', 'history', 'report-units', 'inbox']);

/**
 * Shares of every request, in percent: 55 commands, 45 reads. What an hour of a busy day looks
 * like from the units' and the secretariat's side: officers acknowledge new assignments, report
 * progress, upload evidence and (less often) claim completion or ask for more time; the
 * secretariat decides what waits for it; everybody reads much more than they write.
 */
export const MIX: readonly [OpName, number][] = [
  ['acknowledge', 10],
  ['progress', 14],
  ['evidence', 9],
  ['submit', 5],
  ['approve', 4],
  ['return', 1.5],
  ['extension-request', 2],
  ['extension-decision', 2],
  ['report', 7.5],
  ['detail', 18],
  ['history', 6],
  ['report-units', 4],
  ['inbox', 17],
];

/** The pool a command draws its task from, and what to send instead when that pool is empty. */
export const NEEDS: Partial<Record<OpName, { pool: PoolName; otherwise: OpName }>> = {
  acknowledge: { pool: 'assigned', otherwise: 'progress' },
  progress: { pool: 'working', otherwise: 'acknowledge' },
  evidence: { pool: 'working', otherwise: 'acknowledge' },
  submit: { pool: 'withEvidence', otherwise: 'evidence' },
  approve: { pool: 'submitted', otherwise: 'progress' },
  return: { pool: 'submitted', otherwise: 'progress' },
  'extension-request': { pool: 'extendable', otherwise: 'progress' },
  'extension-decision': { pool: 'extension', otherwise: 'progress' },
  report: { pool: 'periodic', otherwise: 'progress' },
  detail: { pool: 'open', otherwise: 'inbox' },
  history: { pool: 'open', otherwise: 'inbox' },
};

export function pickOp(random: () => number): OpName {
  return pickWeighted(random, MIX);
}

/** Bytes that file-type recognizes as a PDF, `size` long: a scanned minutes of acceptance. */
export function pdf(size: number, i: number): Buffer {
  const head = Buffer.from(
    `%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n% bien ban nghiem thu ${i}\n`,
    'latin1',
  );
  const tail = Buffer.from('\n%%EOF\n', 'latin1');
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length - tail.length)), tail]);
}
