import { createHash } from 'node:crypto';

/*
 * The arithmetic of the audit trail's hash chain, without the database: how an event hashes, and
 * the heads an appender remembers. db/repositories/audit.ts writes and verifies the chain.
 */

/** The hash that starts every task's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always hashes the same, whatever jsonb did to key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface HashedFields {
  taskId: string;
  seq: number;
  kind: string;
  occurredAt: string;
  actor: unknown;
  payload: unknown;
}

/** SHA-256 over the previous hash and the event's canonical form. */
export function eventHash(prevHash: string, e: HashedFields): string {
  const occurredAt = new Date(e.occurredAt).toISOString();
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson({ taskId: e.taskId, seq: e.seq, kind: e.kind, occurredAt, actor: e.actor, payload: e.payload }))
    .digest('hex');
}

/** An event as the appender takes it: what is hashed, less the task id. */
export type ChainEvent = Omit<HashedFields, 'taskId'>;

/**
 * The last event this process knows of per task (task id → seq and hash), so that appending the
 * next event needs no look-up of its predecessor. Bounded: the least recently appended tasks are
 * forgotten first. Only ever a hint: the database refuses a row linked to anything but the
 * stored predecessor (migration 0009), and a forgotten or older head is read again.
 */
export class ChainHeads {
  private readonly heads = new Map<string, { seq: number; hash: string }>();

  constructor(readonly capacity = 10_000) {}

  /** The hash of event `seq` of the task, if that is the head this process knows. */
  hashOf(taskId: string, seq: number): string | undefined {
    const head = this.heads.get(taskId);
    return head?.seq === seq ? head.hash : undefined;
  }

  remember(taskId: string, seq: number, hash: string): void {
    const head = this.heads.get(taskId);
    // A late retry of an older event must not move the head back.
    if (head && head.seq >= seq) return;
    this.heads.delete(taskId);
    if (this.capacity <= 0) return;
    this.heads.set(taskId, { seq, hash });
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }

  forget(taskId: string): void {
    this.heads.delete(taskId);
  }

  get size(): number {
    return this.heads.size;
  }
}
