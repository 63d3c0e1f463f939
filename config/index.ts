import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().min(1).optional());

/**
 * Every environment variable the system reads, with its default. Only entry points call
 * `loadConfig(process.env)`; everything else receives the frozen Config.
 * docker-compose.yml and the README list exactly these names (test/unit/config.test.ts checks it).
 */
export const configSchema = z.object({
  // Temporal: when TEMPORAL_ADDRESS is set we connect to that cluster and start nothing.
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('directive-tasks'),
  TEMPORAL_TLS: z.preprocess(emptyAsUndefined, bool.optional()),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_API_KEY: optionalString,
  // Local dev server (only when TEMPORAL_ADDRESS is unset).
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  // PostgreSQL: when DATABASE_URL is set we use it and start nothing. The API and the worker should
  // connect as role directive_app (created by the migrations); MIGRATION_DATABASE_URL, when set, is
  // the tables' owner, used only to migrate (and to give directive_app DATABASE_URL's password).
  DATABASE_URL: optionalString,
  MIGRATION_DATABASE_URL: optionalString,
  PG_PORT: port.default(54329),
  PG_BIN_DIR: optionalString,
  // Where the embedded servers keep their data, and where built/downloaded binaries are cached.
  DATA_DIR: z.string().min(1).default('.data'),
  CACHE_DIR: optionalString,
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: optionalString,
  // Requests a minute for each user (by login) on /api/v1; 0 turns the limit off.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  // How long the API keeps an authenticated token in memory; revocations evict at once (LISTEN), so this bounds the worst case. 0: no cache.
  API_TOKEN_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // E-mail delivery: off while SMTP_HOST is unset (the inbox and webhooks still work).
  SMTP_HOST: optionalString,
  SMTP_PORT: z.preprocess(emptyAsUndefined, port.optional()),
  SMTP_SECURE: z.preprocess(emptyAsUndefined, bool.optional()),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  SMTP_FROM: z.string().min(3).default('Hệ thống theo dõi nhiệm vụ <no-reply@directive-engine.local>'),
  // The delivery dispatcher in the worker: how often it looks for due messages, how many tries a message gets.
  DELIVERY_POLL_MS: z.coerce.number().int().min(100).default(15_000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  // Workflows the worker keeps in memory; evicted ones replay from history on their next wake-up or command.
  // Sized to a 1.5 GiB worker (bench/RESULTS.md, P5); raise it with the worker's memory.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).max(100_000).default(600),
  // Signed audit checkpoints (db/audit-checkpoint.ts): the worker signs every task's chain head with
  // this Ed25519 private key (PEM, from `audit:keygen`) every interval; unset: no periodic checkpoints.
  AUDIT_CHECKPOINT_KEY_PATH: optionalString,
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  // Where the worker also writes each checkpoint as a file (besides the audit_checkpoints table); unset: the table only.
  AUDIT_CHECKPOINT_DIR: optionalString,
  // An upload is held in memory, then stored as one PostgreSQL bytea value (at most 1 GB).
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(512 * 1024 * 1024)
    .default(20 * 1024 * 1024),
});

export type Env = z.input<typeof configSchema>;

export interface Config {
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    tlsCertPath: string | undefined;
    tlsKeyPath: string | undefined;
    apiKey: string | undefined;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
  };
  database: { url: string | undefined; migrationUrl: string | undefined; port: number; binDir: string | undefined };
  audit: { checkpointKeyPath: string | undefined; checkpointIntervalMs: number; checkpointDir: string | undefined };
  dataDir: string;
  cacheDir: string;
  api: { host: string; port: number; publicBaseUrl: string; rateLimitPerMinute: number; tokenCacheTtlMs: number };
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  worker: { maxCachedWorkflows: number };
  delivery: {
    pollMs: number;
    maxAttempts: number;
    /** Null when SMTP_HOST is unset: no e-mail. */
    smtp: { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined; from: string } | null;
  };
  evidence: { maxBytes: number };
}

/** Parses the environment once; a bad value fails fast with the variable's name. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Cấu hình không hợp lệ:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const cacheDir = e.CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'directive-engine');
  return Object.freeze({
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_PATH),
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    database: { url: e.DATABASE_URL, migrationUrl: e.MIGRATION_DATABASE_URL, port: e.PG_PORT, binDir: e.PG_BIN_DIR },
    audit: {
      checkpointKeyPath: e.AUDIT_CHECKPOINT_KEY_PATH ? path.resolve(e.AUDIT_CHECKPOINT_KEY_PATH) : undefined,
      checkpointIntervalMs: e.AUDIT_CHECKPOINT_INTERVAL_MINUTES * 60_000,
      checkpointDir: e.AUDIT_CHECKPOINT_DIR ? path.resolve(e.AUDIT_CHECKPOINT_DIR) : undefined,
    },
    dataDir: path.resolve(e.DATA_DIR),
    cacheDir: path.resolve(cacheDir),
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://${e.API_HOST === '0.0.0.0' ? '127.0.0.1' : e.API_HOST}:${e.API_PORT}`,
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      tokenCacheTtlMs: e.API_TOKEN_CACHE_TTL_SECONDS * 1000,
    },
    logLevel: e.LOG_LEVEL,
    worker: { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    delivery: {
      pollMs: e.DELIVERY_POLL_MS,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      smtp: e.SMTP_HOST
        ? {
            host: e.SMTP_HOST,
            secure: e.SMTP_SECURE ?? e.SMTP_PORT === 465,
            port: e.SMTP_PORT ?? (e.SMTP_SECURE ? 465 : 587),
            user: e.SMTP_USER,
            password: e.SMTP_PASSWORD,
            from: e.SMTP_FROM,
          }
        : null,
    },
    evidence: { maxBytes: e.EVIDENCE_MAX_BYTES },
  });
}

/**
 * `config` with the addresses of servers an entry point started itself (`npm start`'s embedded
 * PostgreSQL and dev server), so the process roots read them where they read configured ones.
 */
export function withServers(
  config: Config,
  servers: { databaseUrl?: string; migrationDatabaseUrl?: string; temporalAddress?: string },
): Config {
  return Object.freeze({
    ...config,
    database: {
      ...config.database,
      url: servers.databaseUrl ?? config.database.url,
      migrationUrl: servers.migrationDatabaseUrl ?? config.database.migrationUrl,
    },
    temporal: { ...config.temporal, address: servers.temporalAddress ?? config.temporal.address },
  });
}
