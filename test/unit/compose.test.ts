import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../infra/temporal-cli';
import { DEFAULT_HISTORY_SHARDS, TEMPORAL_DATABASES, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../infra/temporal-server';

// Docker cannot run on our machines: `npm run start:cluster` is the tested profile, and this file
// keeps docker-compose.yml taking the same steps with the same names and versions.
const root = path.resolve(__dirname, '../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, any>;
const script = (service: string) => [services[service].environment?.SQL_TOOL ?? '', ...[services[service].command].flat()].join('\n');

describe('docker-compose.yml, beside the native cluster profile', () => {
  it('runs the server and tools of the version the native profile builds, not the deprecated auto-setup', () => {
    const images = Object.values(services)
      .map((s) => s.image)
      .filter(Boolean);
    expect(images.some((image: string) => image.includes('auto-setup'))).toBe(false);
    expect(services.temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    expect(services['temporal-ui'].image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION.slice(1)}`);
  });

  it('sets up and upgrades both of Temporal schemas with the schema tool before the server starts', () => {
    const job = script('temporal-schema');
    expect(job).toContain('--plugin postgres12');
    for (const { database, schema } of TEMPORAL_DATABASES) expect(job).toContain(`${database}:${schema}`);
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d $$SCHEMA_DIR/$$schema/versioned'])
      expect(job).toContain(step);
    expect(services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(services.temporal.environment).toMatchObject({
      DB: 'postgres12',
      DBNAME: TEMPORAL_DATABASES[0].database,
      VISIBILITY_DBNAME: TEMPORAL_DATABASES[1].database,
    });
    expect(services.temporal.environment.NUM_HISTORY_SHARDS).toBe(DEFAULT_HISTORY_SHARDS);
  });

  it('registers the namespace and every search attribute the workflow sets, with its type', () => {
    const job = script('temporal-register');
    expect(job).toContain('operator namespace create --namespace default');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(job).toContain(`${name}=${type}`);
    expect(job).toContain('operator search-attribute create');
  });

  it('scales workers and APIs by replicas, after registration, with health checks on what others wait for', () => {
    for (const service of ['worker', 'api']) {
      expect(services[service].deploy.replicas).toBeGreaterThanOrEqual(2);
      expect(services[service].depends_on['temporal-register'].condition).toBe('service_completed_successfully');
    }
    for (const service of ['postgresql', 'temporal', 'api']) expect(services[service].healthcheck.test.length).toBeGreaterThan(0);
  });
});
