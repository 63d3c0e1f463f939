import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../domain/roles';

/** timestamptz: pg returns Date; we write Date or ISO strings. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface UnitsTable {
  code: string;
  name: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  kind: string | null;
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

export interface AuthTables {
  units: UnitsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
}
