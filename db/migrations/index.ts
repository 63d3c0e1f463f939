import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_create_tasks';
import * as m0002 from './0002_create_audit_and_outbox';
import * as m0003 from './0003_create_units_users_tokens';
import * as m0004 from './0004_create_evidence_and_idempotency';
import * as m0005 from './0005_report_indexes_and_inbox';
import * as m0006 from './0006_create_directive_items';
import * as m0007 from './0007_create_deliveries_and_webhooks';
import * as m0008 from './0008_refuse_audit_truncate';
import * as m0009 from './0009_enforce_audit_chain';
import * as m0010 from './0010_report_counts';
import * as m0011 from './0011_create_web_sessions';
import * as m0012 from './0012_units_active';
import * as m0013 from './0013_directive_identity';
import * as m0014 from './0014_report_history';
import * as m0020 from './0020_app_role_and_audit_checkpoints';
import * as m0021 from './0021_report_directive_identity';

/**
 * Static registry: file-based loading of .ts migrations does not work under vitest or plain
 * Node, so every migration is listed here, in order. Never rename a landed one, and never change
 * its effect: an edit that keeps it identical (a rewrite, shared SQL from `report-count-functions.ts`)
 * is checked by `scripts/schema-steps.ts` (the schema after every step, before and after the edit)
 * and by `test/db/schema.test.ts` (the latest schema against `db/schema.sql.snap`).
 */
export const migrations: Record<string, Migration> = {
  '0001_create_tasks': m0001,
  '0002_create_audit_and_outbox': m0002,
  '0003_create_units_users_tokens': m0003,
  '0004_create_evidence_and_idempotency': m0004,
  '0005_report_indexes_and_inbox': m0005,
  '0006_create_directive_items': m0006,
  '0007_create_deliveries_and_webhooks': m0007,
  '0008_refuse_audit_truncate': m0008,
  '0009_enforce_audit_chain': m0009,
  '0010_report_counts': m0010,
  '0011_create_web_sessions': m0011,
  '0012_units_active': m0012,
  '0013_directive_identity': m0013,
  '0014_report_history': m0014,
  // Numbered apart from its neighbours: branches written in parallel added migrations 0013 and on.
  '0020_app_role_and_audit_checkpoints': m0020,
  '0021_report_directive_identity': m0021,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
