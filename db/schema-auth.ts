import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../domain/roles';
import type { DefaultedTimestamp, Timestamp } from './schema-columns';

/* The tables of people and units: the registry, API tokens, and the web app's passwords, sessions and sign-in record (part of `Database`, db/schema.ts). */

export interface UnitsTable {
  code: string;
  name: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  kind: string | null;
  /** A deactivated unit receives no new work. */
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

export interface UsersTable {
  id: Generated<string>;
  login: string;
  full_name: string | null;
  unit_code: string;
  roles: Role[];
  email: string | null;
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
}

/** Tokens are kept only as the SHA-256 of the plaintext; the plaintext is shown once, at issue. */
export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  label: string | null;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

// The web app's sign-in (migration 0011): passwords, server-side sessions, and the record of sign-ins.

/** A person's password as scrypt's encoded hash (algorithm, parameters, per-user salt, key). */
export interface UserPasswordsTable {
  user_id: string;
  password_hash: string;
  /** A one-time password: the person must choose their own before anything else. */
  must_change: Generated<boolean>;
  changed_at: DefaultedTimestamp;
}

/** A signed-in browser; the cookie holds a random value of which only the SHA-256 is kept. */
export interface WebSessionsTable {
  id: Generated<string>;
  token_hash: Buffer;
  user_id: string;
  csrf_token: string;
  created_at: DefaultedTimestamp;
  last_seen_at: DefaultedTimestamp;
  /** The absolute end of the session, whatever its activity. */
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  address: string | null;
  user_agent: string | null;
}

export type AuthEventKind =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_limited'
  | 'sign_out'
  | 'session_expired'
  | 'password_changed'
  | 'password_set'
  | 'sessions_revoked';

/** Sign-ins, sign-outs, refused attempts and password changes, as they happened. */
export interface AuthEventsTable {
  id: Generated<string>;
  occurred_at: DefaultedTimestamp;
  kind: AuthEventKind;
  login: string | null;
  user_id: string | null;
  address: string | null;
  user_agent: string | null;
  session_id: string | null;
}
