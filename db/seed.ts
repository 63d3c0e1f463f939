import type { Kysely } from 'kysely';
import { ROLE_LABELS, type Role } from '../domain/roles';
import { hashPassword } from '../web/auth/passwords';
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
  /** With `passwords`: the demo users' web password, and the users given it now (those that had none). */
  demoPassword?: string;
  passwordsSet?: string[];
}

/**
 * The web password of every demo user, printed by `npm start` on its embedded defaults only (never
 * with DATABASE_URL): a demo on one's own machine, not an account anyone should keep.
 */
export const DEMO_PASSWORD = 'ThaiNguyen-2025';

/**
 * Upserts the given units and adds the demo users that do not exist yet; running it again
 * creates nothing. Demo users changed since are left as they are. It issues no token. With
 * `passwords`, demo users without a web password get DEMO_PASSWORD (one changed since is kept).
 */
export async function seedDemo(
  db: Kysely<Database>,
  units: readonly SeedUnit[],
  demoUsers: readonly DemoUser[] = DEMO_USERS,
  opts: { passwords?: boolean } = {},
): Promise<SeedResult> {
  const codes = new Set(units.map((u) => u.code));
  const missing = [...new Set(demoUsers.map((u) => u.unitCode).filter((code) => !codes.has(code)))];
  if (missing.length) throw new Error(`Danh sách đơn vị không có mã ${missing.join(', ')} mà tài khoản mẫu cần`);

  const passwordHash = opts.passwords ? await hashPassword(DEMO_PASSWORD) : null;
  return db.transaction().execute(async (trx) => {
    const unitsCreated: string[] = [];
    for (const unit of units) {
      if ((await addUnit(trx, unit)).created) unitsCreated.push(unit.code);
    }
    const usersCreated: string[] = [];
    for (const user of demoUsers) {
      if (
        await addUserIfAbsent(trx, {
          login: user.login,
          unitCode: user.unitCode,
          roles: [user.role],
          fullName: `Tài khoản mẫu: ${ROLE_LABELS[user.role]}`,
        })
      )
        usersCreated.push(user.login);
    }
    if (!passwordHash) return { unitsCreated, usersCreated };
    const given = await trx
      .insertInto('user_passwords')
      .columns(['user_id', 'password_hash'])
      .expression((eb) =>
        eb
          .selectFrom('users')
          .select(['id', eb.val(passwordHash).as('password_hash')])
          .where(
            'login',
            'in',
            demoUsers.map((u) => u.login),
          ),
      )
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning('user_id')
      .execute();
    const logins = given.length
      ? await trx
          .selectFrom('users')
          .select('login')
          .where(
            'id',
            'in',
            given.map((g) => g.user_id),
          )
          .execute()
      : [];
    return { unitsCreated, usersCreated, demoPassword: DEMO_PASSWORD, passwordsSet: logins.map((l) => l.login).sort() };
  });
}

/** How to get a token for each demo user, and with `web` how to sign in to the pages, for `npm start` to print. */
export function describeDemoUsers(demoUsers: readonly DemoUser[] = DEMO_USERS, web?: { url: string; password: string }): string {
  const width = Math.max(...demoUsers.map((u) => u.login.length));
  const signIn = web
    ? [
        `Trang web: ${web.url}/sign-in — đăng nhập bằng một tài khoản mẫu, mật khẩu ${web.password} (trừ khi đã đổi):`,
        ...demoUsers.map((u) => `  ${u.login.padEnd(width)}  ${ROLE_LABELS[u.role]}, ${u.unitCode}`),
        '',
      ]
    : [];
  return [
    ...signIn,
    'Tài khoản mẫu; lấy mã truy cập bằng lệnh bên cạnh, rồi gửi tiêu đề "Authorization: Bearer <mã>":',
    ...demoUsers.map(
      (u) => `  ${u.login.padEnd(width)}  npm run -s cli -- token:issue --login ${u.login}   (${ROLE_LABELS[u.role]}, ${u.unitCode})`,
    ),
  ].join('\n');
}
