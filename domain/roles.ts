import { z } from 'zod';

/**
 * What a user may do, by role. A user belongs to one unit and holds one or more roles:
 * - secretariat: launches, reviews, decides extensions, reassigns, cancels; sees everything;
 * - unit_officer: acts on assignments its unit leads, contributes where it coordinates; sees its unit's;
 * - unit_head: as an officer, and receives escalations;
 * - inspector: reads everything, audit and evidence included; writes nothing;
 * - admin: manages users and units.
 */
export const ROLES = ['secretariat', 'unit_officer', 'unit_head', 'inspector', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

export const ROLE_LABELS: Readonly<Record<Role, string>> = Object.freeze({
  secretariat: 'Cán bộ Cơ quan Thường trực Ban Chỉ đạo',
  unit_officer: 'Cán bộ đơn vị',
  unit_head: 'Lãnh đạo đơn vị',
  inspector: 'Cán bộ Ủy ban Kiểm tra',
  admin: 'Quản trị hệ thống',
});

/** The authenticated person behind a request or a command. */
export interface Actor {
  userId: string;
  login: string;
  fullName: string | null;
  unitCode: string;
  roles: Role[];
}

/** True when `held` grants any of `wanted`; a unit head also acts as an officer of the unit. */
export function grantsAnyRole(held: readonly Role[], wanted: readonly Role[]): boolean {
  return wanted.some((role) => held.includes(role) || (role === 'unit_officer' && held.includes('unit_head')));
}
