import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../schema';
import { RegistryError } from './auth';

const endpointInputSchema = z.object({
  unitCode: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16, 'khóa bí mật phải có ít nhất 16 ký tự').optional(),
  description: z.string().trim().max(300).nullable().optional(),
});
export type WebhookEndpointInput = z.input<typeof endpointInputSchema>;

export interface WebhookEndpoint {
  id: string;
  unitCode: string;
  url: string;
  /** Shown to the operator who registers the endpoint, for the receiver to verify `X-Signature`. */
  secret: string;
  description: string | null;
  active: boolean;
}

// Endpoints are read under the names of `WebhookEndpoint`, the bigserial id as text. Order by
// `webhook_endpoints.id`: a bare `id` in ORDER BY would name this text column.
const endpointId = sql<string>`id::text`.as('id');

/**
 * Registers where a unit's messages are also posted (an OTT/Zalo bridge, another system),
 * with a per-endpoint secret (generated when not given). Registering the same URL again for
 * the unit keeps the endpoint, reactivates it and, when a secret is given, replaces it.
 */
export async function addWebhookEndpoint(db: Kysely<Database>, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  const parsed = endpointInputSchema.safeParse(input);
  if (!parsed.success) throw new RegistryError('invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const { unitCode, url, description } = parsed.data;
  const unit = await db.selectFrom('units').select('code').where('code', '=', unitCode).executeTakeFirst();
  if (!unit) throw new RegistryError('unknown_unit', `Không có đơn vị mã "${unitCode}": hãy thêm đơn vị trước (unit:add)`);
  const secret = parsed.data.secret ?? randomBytes(32).toString('base64url');
  return db
    .insertInto('webhook_endpoints')
    .values({ unit_code: unitCode, url, secret, description: description ?? null })
    .onConflict((oc) =>
      oc.columns(['unit_code', 'url']).doUpdateSet((eb) => ({
        active: true,
        secret: parsed.data.secret ? eb.ref('excluded.secret') : eb.ref('webhook_endpoints.secret'),
        description: description === undefined ? eb.ref('webhook_endpoints.description') : eb.ref('excluded.description'),
      })),
    )
    .returning([endpointId, 'unit_code as unitCode', 'url', 'secret', 'description', 'active'])
    .executeTakeFirstOrThrow();
}

/** Stops posting to an endpoint; its past deliveries stay in the record. */
export async function deactivateWebhookEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set({ active: false }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An active endpoint as a delivery addresses it (the secret stays out until the message is signed). */
export type EndpointTarget = Pick<WebhookEndpoint, 'id' | 'unitCode' | 'url'>;

/** The active endpoints of the given units, in id order. */
export async function activeEndpoints(db: Kysely<Database>, unitCodes: readonly string[]): Promise<EndpointTarget[]> {
  if (!unitCodes.length) return [];
  return db
    .selectFrom('webhook_endpoints')
    .select([endpointId, 'unit_code as unitCode', 'url'])
    .where('active', '=', true)
    .where('unit_code', 'in', unitCodes)
    .orderBy('webhook_endpoints.id')
    .execute();
}

/** Where and with which secret to post a webhook delivery now; undefined when the endpoint is gone. */
export async function endpointForSending(
  db: Kysely<Database>,
  id: string,
): Promise<{ url: string; secret: string; active: boolean } | undefined> {
  return db.selectFrom('webhook_endpoints').select(['url', 'secret', 'active']).where('id', '=', id).executeTakeFirst();
}

/** Every endpoint for the administration page, active first; the secret stays out (it was shown once). */
export async function listWebhookEndpoints(db: Kysely<Database>): Promise<Omit<WebhookEndpoint, 'secret'>[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select([endpointId, 'unit_code as unitCode', 'url', 'description', 'active'])
    .orderBy('active', 'desc')
    .orderBy('unit_code')
    .orderBy('webhook_endpoints.id')
    .execute();
}
