import type { RecipientRole } from './policy';
import type { Role } from './roles';

/*
 * Who receives a notification of the outbox: the one join of a task's recipient roles with the
 * people's system roles and units, used by the inbox and every delivery channel alike. See
 * docs/architecture.md, "Delivery and the inbox", and the table in README, "Inbox".
 */

/** Which users one recipient role reaches: their system roles, and how the notification's unit narrows them. */
export interface InboxRoute {
  roles: readonly Role[];
  /**
   * `unit`: only users of the notification's unit (none when it names no unit);
   * `unit_when_named`: users of that unit when it names one, every such user otherwise;
   * `any`: the notification's unit is not looked at.
   */
  scope: 'unit' | 'unit_when_named' | 'any';
}

export const INBOX_ROUTES: Readonly<Record<RecipientRole, InboxRoute>> = Object.freeze({
  lead_unit: { roles: ['unit_officer', 'unit_head'], scope: 'unit' },
  coordinating_units: { roles: ['unit_officer', 'unit_head'], scope: 'unit' },
  lead_unit_head: { roles: ['unit_head'], scope: 'unit' },
  standing_office: { roles: ['secretariat'], scope: 'unit_when_named' },
  steering_committee: { roles: ['secretariat'], scope: 'unit_when_named' },
  inspection_committee: { roles: ['inspector'], scope: 'any' },
});

/** What routing reads from a notification. */
export interface RoutedNotification {
  recipientRole: string;
  recipientUnit: string | null;
}

/** What routing reads from a user. */
export interface InboxUser {
  unitCode: string;
  roles: readonly Role[];
}

/** One recipient role a user receives, with the unit condition to apply (null: any unit). */
export interface InboxRule {
  recipientRole: RecipientRole;
  /** `exact`: recipient unit = the user's unit; `exact_or_none`: that, or no unit named; `any`: not looked at. */
  unit: 'exact' | 'exact_or_none' | 'any';
}

/** The recipient roles a user receives and how the notification's unit must match theirs (the inbox's SQL is built from these). */
export function inboxRulesFor(user: InboxUser): InboxRule[] {
  const rules: InboxRule[] = [];
  for (const [recipientRole, route] of Object.entries(INBOX_ROUTES) as [RecipientRole, InboxRoute][]) {
    if (!route.roles.some((r) => user.roles.includes(r))) continue;
    rules.push({ recipientRole, unit: route.scope === 'unit' ? 'exact' : route.scope === 'unit_when_named' ? 'exact_or_none' : 'any' });
  }
  return rules;
}

/** Whether a notification of the outbox is addressed to this user. */
export function recipientsMatch(notification: RoutedNotification, user: InboxUser): boolean {
  return inboxRulesFor(user).some((rule) => {
    if (rule.recipientRole !== notification.recipientRole) return false;
    switch (rule.unit) {
      case 'exact':
        return notification.recipientUnit === user.unitCode;
      case 'exact_or_none':
        return notification.recipientUnit === null || notification.recipientUnit === user.unitCode;
      case 'any':
        return true;
    }
  });
}
