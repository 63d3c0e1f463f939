import type { Kysely } from 'kysely';
import { listInbox } from '../../db/repositories/inbox';
import type { SessionUser } from '../../db/repositories/sessions';
import type { Database } from '../../db/schema';
import { grantsAnyRole, type Role } from '../../domain/roles';
import { actorOfUser } from '../auth/session';
import { WebError } from '../errors';

/** The unread count every page's header shows beside "Thông báo". */
export async function unreadCountOf(db: Kysely<Database>, user: SessionUser): Promise<number> {
  return (await listInbox(db, actorOfUser(user), { limit: 0, offset: 0 })).unreadCount;
}

/** A page for some roles only: anyone else is told there is no such page. */
export function requireRoles(user: SessionUser, roles: readonly Role[], detail: string): void {
  if (!grantsAnyRole(user.roles, roles)) throw new WebError(404, 'Không tìm thấy trang', detail);
}
