import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { INBOX_ROUTES, recipientsMatch } from '../domain/inbox-routing';
import type { RecipientRole } from '../domain/policy';
import type { Role } from '../domain/roles';

/** A person a notification reaches, as the database says at delivery time. */
export interface Person {
  login: string;
  fullName: string | null;
  unitCode: string;
  roles: Role[];
  email: string | null;
}

export interface Endpoint {
  id: string;
  unitCode: string;
  url: string;
}

export interface Addressed {
  recipientRole: string;
  recipientUnit: string | null;
}

/** Who receives one notification: people by `recipientsMatch`, and the webhook endpoints of their units. */
export interface Recipients {
  people: Person[];
  endpoints: Endpoint[];
}

/**
 * Resolves recipients for a batch of notifications from the users, roles and units in the
 * database now, so a unit whose head changed escalates to the new head. Routing itself is
 * `recipientsMatch` (domain/inbox-routing.ts), the rule the inbox uses too. Webhooks go to the
 * addressed unit's endpoints; a notification addressed to no unit (the Steering Committee, the
 * inspection committee) goes to the endpoints of the units its people belong to.
 */
export async function recipientResolver(db: Kysely<Database>, batch: readonly Addressed[]): Promise<(n: Addressed) => Recipients> {
  // Only the candidates: users of the addressed units in the routes' roles, plus everyone in a
  // role the route does not narrow by unit. `recipientsMatch` then decides, as the inbox does.
  const unitRoles = new Set<Role>();
  const anyUnitRoles = new Set<Role>();
  const addressedUnits = new Set<string>();
  for (const n of batch) {
    const route = INBOX_ROUTES[n.recipientRole as RecipientRole];
    if (!route) continue;
    const narrowed = route.scope === 'unit' || (route.scope === 'unit_when_named' && n.recipientUnit !== null);
    if (!narrowed) for (const r of route.roles) anyUnitRoles.add(r);
    else if (n.recipientUnit) {
      addressedUnits.add(n.recipientUnit);
      for (const r of route.roles) unitRoles.add(r);
    }
  }
  const people: Person[] =
    unitRoles.size || anyUnitRoles.size
      ? (
          await db
            .selectFrom('users')
            .select(['login', 'full_name', 'unit_code', 'roles', 'email'])
            .where('active', '=', true)
            .where((eb) =>
              eb.or([
                ...(unitRoles.size ? [eb.and([eb('unit_code', 'in', [...addressedUnits]), sql<boolean>`roles && ${sql.val([...unitRoles])}::text[]`])] : []),
                ...(anyUnitRoles.size ? [sql<boolean>`roles && ${sql.val([...anyUnitRoles])}::text[]`] : []),
              ]),
            )
            .orderBy('login')
            .execute()
        ).map((u) => ({ login: u.login, fullName: u.full_name, unitCode: u.unit_code, roles: u.roles, email: u.email }))
      : [];

  const peopleOf = (n: Addressed) => people.filter((p) => recipientsMatch(n, p));
  const units = new Set<string>();
  for (const n of batch) {
    if (n.recipientUnit) units.add(n.recipientUnit);
    else for (const p of peopleOf(n)) units.add(p.unitCode);
  }
  const endpoints: Endpoint[] = units.size
    ? (
        await db
          .selectFrom('webhook_endpoints')
          .select(['id', 'unit_code', 'url'])
          .where('active', '=', true)
          .where('unit_code', 'in', [...units])
          .orderBy('id')
          .execute()
      ).map((e) => ({ id: String(e.id), unitCode: e.unit_code, url: e.url }))
    : [];

  return (n) => {
    const reached = peopleOf(n);
    const unitCodes = new Set(n.recipientUnit ? [n.recipientUnit] : reached.map((p) => p.unitCode));
    return { people: reached, endpoints: endpoints.filter((e) => unitCodes.has(e.unitCode)) };
  };
}

/** The active heads of a unit (the daily digest's readers). */
export async function unitHeads(db: Kysely<Database>, unitCode: string): Promise<Person[]> {
  const rows = await db
    .selectFrom('users')
    .select(['login', 'full_name', 'unit_code', 'roles', 'email'])
    .where('active', '=', true)
    .where('unit_code', '=', unitCode)
    .where(sql<boolean>`'unit_head' = any(roles)`)
    .orderBy('login')
    .execute();
  return rows.map((u) => ({ login: u.login, fullName: u.full_name, unitCode: u.unit_code, roles: u.roles, email: u.email }));
}

/** The active webhook endpoints of a unit. */
export async function unitEndpoints(db: Kysely<Database>, unitCode: string): Promise<Endpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').select(['id', 'unit_code', 'url']).where('active', '=', true).where('unit_code', '=', unitCode).orderBy('id').execute();
  return rows.map((e) => ({ id: String(e.id), unitCode: e.unit_code, url: e.url }));
}
