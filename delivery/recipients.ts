import type { Kysely } from 'kysely';
import { activeUsersIn, type User } from '../db/repositories/auth';
import { activeEndpoints, type EndpointTarget } from '../db/repositories/webhooks';
import type { Database } from '../db/schema';
import { INBOX_ROUTES, recipientsMatch } from '../domain/inbox-routing';
import type { RecipientRole } from '../domain/policy';
import type { Role } from '../domain/roles';

/** A person a notification reaches, as the database says at delivery time. */
export type Person = Pick<User, 'login' | 'fullName' | 'unitCode' | 'roles' | 'email'>;

export interface Addressed {
  recipientRole: string;
  recipientUnit: string | null;
}

/** Who receives one notification: people by `recipientsMatch`, and the webhook endpoints of their units. */
export interface Recipients {
  people: Person[];
  endpoints: EndpointTarget[];
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
  const people: Person[] = await activeUsersIn(db, {
    units: [...addressedUnits],
    unitRoles: [...unitRoles],
    anyUnitRoles: [...anyUnitRoles],
  });

  const peopleOf = (n: Addressed) => people.filter((p) => recipientsMatch(n, p));
  const units = new Set<string>();
  for (const n of batch) {
    if (n.recipientUnit) units.add(n.recipientUnit);
    else for (const p of peopleOf(n)) units.add(p.unitCode);
  }
  const endpoints = await activeEndpoints(db, [...units]);

  return (n) => {
    const reached = peopleOf(n);
    const unitCodes = new Set(n.recipientUnit ? [n.recipientUnit] : reached.map((p) => p.unitCode));
    return { people: reached, endpoints: endpoints.filter((e) => unitCodes.has(e.unitCode)) };
  };
}
