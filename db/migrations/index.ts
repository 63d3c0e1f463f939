import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_create_tasks';
import * as m0002 from './0002_create_audit_and_outbox';
import * as m0003 from './0003_create_units_users_tokens';
import * as m0006 from './0006_create_directive_items';

/**
 * Static registry: file-based loading of .ts migrations does not work under vitest or plain
 * Node, so every migration is listed here, in order. Never rename or edit a landed one.
 */
export const migrations: Record<string, Migration> = {
  '0001_create_tasks': m0001,
  '0002_create_audit_and_outbox': m0002,
  '0003_create_units_users_tokens': m0003,
  '0006_create_directive_items': m0006,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
