import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_create_tasks';

/**
 * Static registry: file-based loading of .ts migrations does not work under vitest or plain
 * Node, so every migration is listed here, in order. Never rename or edit a landed one.
 */
export const migrations: Record<string, Migration> = {
  '0001_create_tasks': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
