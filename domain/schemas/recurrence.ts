import { z } from 'zod';
import type { RecurrenceRule } from '../recurrence';
import type { Assert, SameType } from '../type-checks';

// Bounded so that the due date of every period stays inside the month after (or the last
// month of) its period: dues then stay strictly ordered and `toRRule` stays exact.
const dueOffsetDays = z.number().int().min(-27).max(28).optional();

/** What a `RecurrenceRule` may hold (its meaning is documented on the type). */
export const recurrenceRuleSchema = z.discriminatedUnion('freq', [
  z.object({ freq: z.literal('monthly'), dayOfMonth: z.number().int().min(1).max(31) }),
  z.object({ freq: z.literal('quarterly'), dueOffsetDays }),
  z.object({ freq: z.literal('half-yearly'), dueOffsetDays }),
  z.object({ freq: z.literal('yearly'), dueOffsetDays }),
]);
// The hand-written type the logic uses must stay what the schema produces.
type RecurrenceRuleMatchesSchema = Assert<SameType<z.output<typeof recurrenceRuleSchema>, RecurrenceRule>>;
