import fs from 'node:fs';
import { msToTs } from '@temporalio/common/lib/time';
import { Client, Connection, type ClientOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { SEARCH_ATTRIBUTES } from './temporal-cli';
import { temporal as proto } from '@temporalio/proto';

type TemporalConfig = Config['temporal'];

function tlsOptions(t: TemporalConfig) {
  if (!t.tls) return undefined;
  if (t.tlsCertPath && t.tlsKeyPath) {
    return { clientCertPair: { crt: fs.readFileSync(t.tlsCertPath), key: fs.readFileSync(t.tlsKeyPath) } };
  }
  return true as const;
}

/** The address to use: the configured cluster, or the local dev server's port. */
export function temporalAddress(t: TemporalConfig): string {
  return t.address ?? `127.0.0.1:${t.devPort}`;
}

/**
 * A client connection for the API and tools (TLS and API key when configured, e.g. Temporal Cloud);
 * `interceptors` lets the API count its starts and Updates (`temporalClientInterceptor`).
 */
export async function connectClient(
  t: TemporalConfig,
  address = temporalAddress(t),
  options: Pick<ClientOptions, 'interceptors'> = {},
): Promise<Client> {
  const connection = await Connection.connect({ address, tls: tlsOptions(t), apiKey: t.apiKey });
  return new Client({ connection, namespace: t.namespace, ...options });
}

/** A worker connection with the same settings. */
export function connectWorker(t: TemporalConfig, address = temporalAddress(t)): Promise<NativeConnection> {
  return NativeConnection.connect({ address, tls: tlsOptions(t), apiKey: t.apiKey });
}

const SA_TYPES: Record<string, proto.api.enums.v1.IndexedValueType> = {
  Keyword: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Datetime: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/**
 * Registers the workflows' search attributes. Idempotent: existing ones are skipped. A
 * cluster that forbids it (Temporal Cloud registers them in its console) only gets a warning.
 */
export async function registerSearchAttributes(client: Client, namespace: string, warn: (m: string) => void): Promise<void> {
  try {
    // Temporal's time-skipping test server implements Add but not List: then add them all.
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace }).catch((err) => {
      if (err?.code === 12 /* UNIMPLEMENTED */) return { customAttributes: {} };
      throw err;
    });
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, SA_TYPES[type]])),
    });
  } catch (err) {
    warn(
      `Không đăng ký được search attributes (${(err as Error).message}); hãy đăng ký thủ công: ${Object.keys(SEARCH_ATTRIBUTES).join(', ')}`,
    );
  }
}

/**
 * Registers the namespace on a cluster that does not have it (the full server starts with none;
 * the dev server creates its own), then waits until the frontend's namespace cache knows it.
 */
export async function registerNamespace(client: Client, namespace: string, retentionDays = 30): Promise<void> {
  await client.workflowService
    .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) })
    .catch((err) => {
      if (err?.code !== 6 /* ALREADY_EXISTS */) throw err;
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
