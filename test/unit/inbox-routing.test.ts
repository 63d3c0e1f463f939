import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INBOX_ROUTES, inboxRulesFor, recipientsMatch, type InboxUser } from '../../domain/inbox-routing';
import { RECIPIENT_ROLES } from '../../domain/policy';
import { ROLES, type Role } from '../../domain/roles';

const officer: InboxUser = { unitCode: 'SCT', roles: ['unit_officer'] };
const head: InboxUser = { unitCode: 'SCT', roles: ['unit_head'] };
const otherUnitHead: InboxUser = { unitCode: 'SYT', roles: ['unit_head'] };
const secretariat: InboxUser = { unitCode: 'SKHCN', roles: ['secretariat'] };
const partySecretariat: InboxUser = { unitCode: 'VP_TU', roles: ['secretariat'] };
const inspector: InboxUser = { unitCode: 'UBKT_TU', roles: ['inspector'] };
const admin: InboxUser = { unitCode: 'SKHCN', roles: ['admin'] };

const to = (recipientRole: string, recipientUnit: string | null = null) => ({ recipientRole, recipientUnit });

describe('recipientsMatch: who receives a notification of the outbox', () => {
  it('gives the lead unit’s news to its officers and its head, and to no other unit', () => {
    expect(recipientsMatch(to('lead_unit', 'SCT'), officer)).toBe(true);
    expect(recipientsMatch(to('lead_unit', 'SCT'), head)).toBe(true);
    expect(recipientsMatch(to('lead_unit', 'SCT'), otherUnitHead)).toBe(false);
    expect(recipientsMatch(to('lead_unit', null), officer)).toBe(false);
  });

  it('gives a coordinating unit its own copy, as it does a lead unit', () => {
    expect(recipientsMatch(to('coordinating_units', 'SCT'), officer)).toBe(true);
    expect(recipientsMatch(to('coordinating_units', 'SYT'), officer)).toBe(false);
  });

  it('escalates to the head of the lead unit only, not to its officers', () => {
    expect(recipientsMatch(to('lead_unit_head', 'SCT'), head)).toBe(true);
    expect(recipientsMatch(to('lead_unit_head', 'SCT'), officer)).toBe(false);
    expect(recipientsMatch(to('lead_unit_head', 'SCT'), otherUnitHead)).toBe(false);
  });

  it('sends the standing office’s copy to the secretariat that decided the task, or to every secretariat when none is named', () => {
    expect(recipientsMatch(to('standing_office', 'SKHCN'), secretariat)).toBe(true);
    expect(recipientsMatch(to('standing_office', 'SKHCN'), partySecretariat)).toBe(false);
    expect(recipientsMatch(to('standing_office', null), partySecretariat)).toBe(true);
    expect(recipientsMatch(to('standing_office', 'SKHCN'), officer)).toBe(false);
  });

  it('hands what goes to the Steering Committee to the secretariat, who prepare it; administrators receive nothing', () => {
    expect(recipientsMatch(to('steering_committee'), secretariat)).toBe(true);
    expect(recipientsMatch(to('steering_committee'), partySecretariat)).toBe(true);
    expect(recipientsMatch(to('steering_committee'), admin)).toBe(false);
    expect(recipientsMatch(to('steering_committee'), head)).toBe(false);
    for (const role of RECIPIENT_ROLES) expect(recipientsMatch(to(role, 'SKHCN'), admin)).toBe(false);
  });

  it('flags for the inspection committee reach every inspector, whatever their unit', () => {
    expect(recipientsMatch(to('inspection_committee'), inspector)).toBe(true);
    expect(recipientsMatch(to('inspection_committee'), { unitCode: 'UBKT_HUYEN', roles: ['inspector'] })).toBe(true);
    expect(recipientsMatch(to('inspection_committee'), secretariat)).toBe(false);
  });

  it('reaches nobody through a recipient role it does not know', () => {
    for (const user of [officer, head, secretariat, inspector, admin]) expect(recipientsMatch(to('everyone', 'SCT'), user)).toBe(false);
  });

  it('adds up the roles of a user who holds several', () => {
    const both: InboxUser = { unitCode: 'SKHCN', roles: ['unit_officer', 'secretariat'] };
    expect(recipientsMatch(to('lead_unit', 'SKHCN'), both)).toBe(true);
    expect(recipientsMatch(to('standing_office', 'SKHCN'), both)).toBe(true);
    expect(recipientsMatch(to('lead_unit_head', 'SKHCN'), both)).toBe(false);
  });

  it('routes every recipient role the policy can address to some system role', () => {
    for (const role of RECIPIENT_ROLES) expect(INBOX_ROUTES[role].roles.length).toBeGreaterThan(0);
  });

  it('agrees with the rules the inbox query is built from, for any user and notification', () => {
    const unit = fc.constantFrom('SCT', 'SYT', 'SKHCN');
    fc.assert(
      fc.property(
        fc.record({ unitCode: unit, roles: fc.uniqueArray(fc.constantFrom<Role>(...ROLES), { minLength: 1 }) }),
        fc.record({ recipientRole: fc.constantFrom<string>(...RECIPIENT_ROLES, 'unknown'), recipientUnit: fc.option(unit, { nil: null }) }),
        (user, n) => {
          const bySql = inboxRulesFor(user).some(
            (r) =>
              r.recipientRole === n.recipientRole &&
              (r.unit === 'any' || n.recipientUnit === user.unitCode || (r.unit === 'exact_or_none' && n.recipientUnit === null)),
          );
          expect(recipientsMatch(n, user)).toBe(bySql);
        },
      ),
    );
  });
});
