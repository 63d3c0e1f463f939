import type { Kysely } from 'kysely';
import { ROLE_LABELS, type Role } from '../domain/roles';
import { addUnit, addUserIfAbsent } from './repositories/auth';
import type { Database } from './schema';

/** A unit as the registry of real units lists it. */
export interface SeedUnit {
  code: string;
  name: string;
  aliases: readonly string[];
  kind: string;
}

export interface DemoUser {
  login: string;
  role: Role;
  unitCode: string;
}

/**
 * One demo user per role: the secretariat and the admin in the standing office of the UBND
 * committee (Sở Khoa học và Công nghệ), an officer and the head of Sở Công Thương (lead unit of
 * item 5 of 80/TB-UBND), and an inspector in Ủy ban Kiểm tra Tỉnh ủy.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { login: 'demo.secretariat', role: 'secretariat', unitCode: 'SKHCN' },
  { login: 'demo.unit_officer', role: 'unit_officer', unitCode: 'SCT' },
  { login: 'demo.unit_head', role: 'unit_head', unitCode: 'SCT' },
  { login: 'demo.inspector', role: 'inspector', unitCode: 'UBKT_TU' },
  { login: 'demo.admin', role: 'admin', unitCode: 'SKHCN' },
];

export interface SeedResult {
  unitsCreated: string[];
  usersCreated: string[];
}

/**
 * Upserts the given units and adds the demo users that do not exist yet; running it again
 * creates nothing. Demo users changed since are left as they are. It issues no token.
 */
export async function seedDemo(db: Kysely<Database>, units: readonly SeedUnit[], demoUsers: readonly DemoUser[] = DEMO_USERS): Promise<SeedResult> {
  const codes = new Set(units.map((u) => u.code));
  const missing = [...new Set(demoUsers.map((u) => u.unitCode).filter((code) => !codes.has(code)))];
  if (missing.length) throw new Error(`Danh sách đơn vị không có mã ${missing.join(', ')} mà tài khoản mẫu cần`);

  return db.transaction().execute(async (trx) => {
    const unitsCreated: string[] = [];
    for (const unit of units) {
      if ((await addUnit(trx, unit)).created) unitsCreated.push(unit.code);
    }
    const usersCreated: string[] = [];
    for (const user of demoUsers) {
      if (await addUserIfAbsent(trx, { login: user.login, unitCode: user.unitCode, roles: [user.role], fullName: `Tài khoản mẫu: ${ROLE_LABELS[user.role]}` })) usersCreated.push(user.login);
    }
    return { unitsCreated, usersCreated };
  });
}

/** How to get a token for each demo user, for `npm start` to print. */
export function describeDemoUsers(demoUsers: readonly DemoUser[] = DEMO_USERS): string {
  const width = Math.max(...demoUsers.map((u) => u.login.length));
  return [
    'Tài khoản mẫu; lấy mã truy cập bằng lệnh bên cạnh, rồi gửi tiêu đề "Authorization: Bearer <mã>":',
    ...demoUsers.map((u) => `  ${u.login.padEnd(width)}  npm run -s cli -- token:issue --login ${u.login}   (${ROLE_LABELS[u.role]}, ${u.unitCode})`),
  ].join('\n');
}
