import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/* `Idempotency-Key`s per login (`idempotency_keys`): the request each was first used for and, once answered, the answer. */

// A claim older than this is from a process that died mid-request: the key may be taken over.
const ABANDONED_AFTER = sql`interval '10 minutes'`;

export interface KeyClaim {
  login: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
}

/** What a key holds: its first request and, once `done`, the answer to replay. */
export interface IdempotencyRecord {
  method: string;
  path: string;
  requestHash: string;
  state: 'in_progress' | 'done';
  statusCode: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: Buffer | null;
}

// Under the names of `IdempotencyRecord`, so that rows come back as records.
const recordColumns = [
  'method',
  'path',
  'request_hash as requestHash',
  'state',
  'status_code as statusCode',
  'response_headers as responseHeaders',
  'response_body as responseBody',
] as const;

/** Claims the key for this request: true when it was free or its claim abandoned; false when another request holds or answered it. */
export async function claimKey(db: Kysely<Database>, claim: KeyClaim): Promise<boolean> {
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ login: claim.login, key: claim.key, method: claim.method, path: claim.path, request_hash: claim.requestHash })
    .onConflict((oc) =>
      oc
        .columns(['login', 'key'])
        .doUpdateSet({ method: claim.method, path: claim.path, request_hash: claim.requestHash, created_at: sql<Date>`now()` })
        .where('idempotency_keys.state', '=', 'in_progress')
        .where(sql<boolean>`idempotency_keys.created_at < now() - ${ABANDONED_AFTER}`),
    )
    .returning('login')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** What the login's key holds, if anything. */
export async function findKey(db: Kysely<Database>, login: string, key: string): Promise<IdempotencyRecord | undefined> {
  return db.selectFrom('idempotency_keys').select(recordColumns).where('login', '=', login).where('key', '=', key).executeTakeFirst();
}

/** Frees a claim still in progress (its request failed), so that a retry runs. */
export async function releaseKey(db: Kysely<Database>, login: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('login', '=', login).where('key', '=', key).where('state', '=', 'in_progress').execute();
}

/** Keeps the answer of a claim in progress, for retries to replay. */
export async function completeKey(
  db: Kysely<Database>,
  login: string,
  key: string,
  answer: { statusCode: number; headers: Record<string, string>; body: Buffer },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .where('login', '=', login)
    .where('key', '=', key)
    .where('state', '=', 'in_progress')
    .set({
      state: 'done',
      status_code: answer.statusCode,
      response_headers: JSON.stringify(answer.headers),
      response_body: answer.body,
      completed_at: sql<Date>`now()`,
    })
    .execute();
}
