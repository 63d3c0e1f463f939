import type { Kysely } from 'kysely';
import { unitsByCode } from '../db/repositories/auth';
import type { Database } from '../db/schema';
import { DomainError } from '../domain/errors';
import type { LaunchTask } from '../domain/schemas/task';

/* The units a task names, checked against the registry (`units`) before any work is started or moved. */

type Problem = { path: string; reason: string };

/**
 * Refuses (`invalid`, 422) a launch naming a unit the registry lacks, a deactivated unit as lead,
 * co-lead or coordinator, a co-lead that is the lead, or a coordinating unit named twice or also leading.
 * The deciding unit (`decidedBy`) must exist; it receives no work.
 */
export async function assertLaunchUnits(
  db: Kysely<Database>,
  launch: Pick<LaunchTask, 'leadUnit' | 'coLeadUnit' | 'coordinatingUnits' | 'decidedBy'>,
): Promise<void> {
  const { leadUnit, coLeadUnit, coordinatingUnits, decidedBy } = launch;
  const named = [leadUnit, coLeadUnit, decidedBy, ...coordinatingUnits].filter((c): c is string => !!c);
  const known = await unitsByCode(db, named);
  const problems: Problem[] = [];
  const receives = (path: string, code: string) => {
    const unit = known.get(code);
    if (!unit) problems.push({ path, reason: `không có đơn vị mã ${code}` });
    else if (!unit.active) problems.push({ path, reason: `đơn vị ${code} đã ngừng hoạt động, không nhận nhiệm vụ mới` });
    return !!unit?.active;
  };
  if (leadUnit) receives('leadUnit', leadUnit);
  if (coLeadUnit) {
    if (coLeadUnit === leadUnit) problems.push({ path: 'coLeadUnit', reason: `đơn vị ${coLeadUnit} đã là đơn vị chủ trì` });
    else receives('coLeadUnit', coLeadUnit);
  }
  const seen = new Set<string>();
  coordinatingUnits.forEach((code, i) => {
    const path = `coordinatingUnits.${i}`;
    if (seen.has(code)) problems.push({ path, reason: `đơn vị ${code} được nêu hai lần` });
    else if (code === leadUnit || code === coLeadUnit) problems.push({ path, reason: `đơn vị ${code} đã là đơn vị chủ trì` });
    else receives(path, code);
    seen.add(code);
  });
  if (decidedBy && !known.has(decidedBy)) problems.push({ path: 'decidedBy', reason: `không có đơn vị mã ${decidedBy}` });
  if (problems.length) throw new DomainError('invalid', `Đơn vị không hợp lệ: ${problems.map((p) => p.reason).join('; ')}`, problems);
}

/** Refuses (`invalid`, 422, naming `path`) a unit that cannot receive work: unknown or deactivated. */
export async function assertUnitReceivesWork(db: Kysely<Database>, code: string, path: string): Promise<void> {
  const unit = (await unitsByCode(db, [code])).get(code);
  if (unit?.active) return;
  const reason = unit ? `đơn vị ${code} đã ngừng hoạt động, không nhận nhiệm vụ mới` : `không có đơn vị mã ${code}`;
  throw new DomainError('invalid', `Đơn vị không hợp lệ: ${reason}`, [{ path, reason }]);
}
