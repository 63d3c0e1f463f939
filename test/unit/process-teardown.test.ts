import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Teardown } from '../../app/teardown';
import { recordedProcess, recordProcess, stopRecordedProcess } from '../../infra/leftovers';

describe('stopping a process', () => {
  it('runs every step in reverse order once, however often it is asked, and whatever a step throws', async () => {
    const ran: string[] = [];
    const failures: string[] = [];
    const teardown = new Teardown((what) => failures.push(what));
    teardown.add('PostgreSQL', () => ran.push('PostgreSQL'));
    teardown.add('worker', () => {
      throw new Error('Not running. Current state: DRAINING');
    });
    teardown.add('API', async () => ran.push('API'));
    await Promise.all([teardown.run(), teardown.run()]);
    await teardown.run();
    expect(ran).toEqual(['API', 'PostgreSQL']);
    expect(failures).toEqual(['worker']);
  });
});

describe('what a previous run left', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leftovers-'));

  it('stops a recorded process that still runs with the recorded command line', async () => {
    const child = spawn('sleep', ['600'], { stdio: 'ignore' });
    const file = path.join(dir, 'sleep.pid');
    recordProcess(file, child.pid!);
    const exited = new Promise((r) => child.once('exit', r));
    expect(await stopRecordedProcess(file, 2_000)).toBe(child.pid);
    await exited;
    expect(fs.existsSync(file)).toBe(false);
  });

  it('leaves alone a process whose pid is recorded with another command line (a reused pid)', async () => {
    const file = path.join(dir, 'reused.pid');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, cmdline: 'temporal\0server\0start-dev\0' }));
    expect(recordedProcess(file)).toBeUndefined();
    expect(await stopRecordedProcess(file)).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
  });
});
