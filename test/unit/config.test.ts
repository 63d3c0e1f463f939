import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../config';

const root = path.resolve(__dirname, '../..');
const knownVariables = Object.keys(configSchema.shape);

describe('configuration', () => {
  it('gives docker-compose app services only variables the code reads', () => {
    const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
    for (const service of ['worker', 'api']) {
      const names = Object.keys(compose.services[service].environment);
      expect(names.length).toBeGreaterThan(0);
      expect(
        names.filter((n) => !knownVariables.includes(n)),
        service,
      ).toEqual([]);
    }
    expect(compose.services.api.environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('documents every variable in the README', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(knownVariables.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });

  it('starts nothing when a cluster and a database are given, and names a bad variable', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k', DATABASE_URL: 'postgres://x/y' });
    expect(config.temporal).toMatchObject({ address: 'ns.tmprl.cloud:7233', tls: true });
    expect(config.database.url).toBe('postgres://x/y');
    expect(() => loadConfig({ API_PORT: 'abc' })).toThrow(/API_PORT/);
  });
});
