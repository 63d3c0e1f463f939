import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { directiveImport } from '../../cli/commands/directive-import';
import { runCli } from '../helpers/cli';
import { useDevServerWorker } from '../helpers/harness';
import { uniq } from '../helpers/servers';
import { aUnit } from '../helpers/users';

describe('directive:import from a YAML file', () => {
  const servers = useDevServerWorker();
  const { db } = servers;
  const saved = { ...process.env };
  let dir: string;

  beforeAll(async () => {
    // The command reads its servers from the environment, as it does when an operator runs it.
    Object.assign(process.env, {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('devServerAddress'),
      TEMPORAL_TASK_QUEUE: servers.taskQueue,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));
  });

  afterAll(() => {
    process.env = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the directive, launches its complete items, and refuses the same number again', async () => {
    const office = await aUnit(db, 'VPTU');
    const lead = await aUnit(db, 'SKHCN');
    const number = `01-TB/CQTT-${uniq()}`;
    const file = path.join(dir, 'directive.yaml');
    fs.writeFileSync(
      file,
      [
        `number: "${number}"`,
        'issuedOn: "2025-11-04"',
        'assignedBy: Đồng chí Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo',
        `decidedBy: ${office}`,
        'items:',
        '  - ref: "2.2 (2)"',
        '    title: Phát triển hạ tầng 5G',
        `    leadUnit: ${lead}`,
        '    responsibleOfficial: Giám đốc Sở Khoa học và Công nghệ',
        '    deadline: { kind: date, dueAt: "2026-12-31T23:59:59+07:00" }',
        '    expectedResult: Phủ sóng 5G đạt chỉ tiêu',
        '    targets: [{ id: "5g", metric: Tỷ lệ phủ sóng 5G, comparator: ">=", value: 62, unit: "%" }]',
        '  - ref: "2.4"',
        '    title: Trung tâm an ninh mạng',
      ].join('\n'),
    );
    const first = await runCli(directiveImport, ['--file', file, '--launch']);
    expect(first.code).toBe(0);
    const [registered, launched] = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(registered.items).toEqual([
      { ref: '2.2 (2)', missing: [] },
      { ref: '2.4', missing: ['person', 'time', 'result'] },
    ]);
    expect(launched.results.map((r: { outcome: string }) => r.outcome)).toEqual(['launched', 'missing']);
    const described = await servers.env.client.workflow.getHandle(`task-${launched.results[0].taskId}`).describe();
    expect(described.status.name).toBe('RUNNING');

    const again = await runCli(directiveImport, ['--file', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('đã được đăng ký');
    expect((await runCli(directiveImport, ['--launch'])).code).toBe(2);
  });
});
