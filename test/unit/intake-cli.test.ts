import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractResultSchema } from '../../domain/intake/schema';

const repo = path.join(__dirname, '..', '..');
const run = (...args: string[]) => spawnSync('npx', ['tsx', 'cli/main.ts', ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });

describe('directive:extract', () => {
  it.each(['002_91dd9e19e489807d.txt', '004_2316aeaa4ca50f78.txt'])(
    'prints one JSON object matching the schema for %s',
    (fixture) => {
      const out = run('directive:extract', path.join('test', 'fixtures', fixture));
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout.trim().split('\n')).toHaveLength(1);
      const parsed = extractResultSchema.parse(JSON.parse(out.stdout));
      expect(parsed.items.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('answers a missing file in Vietnamese with exit code 2 and nothing on stdout', () => {
    const out = run('directive:extract', 'test/fixtures/khong-co.txt');
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('không tìm thấy tệp');
  }, 60_000);
});
