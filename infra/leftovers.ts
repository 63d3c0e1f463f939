import fs from 'node:fs';

/*
 * Processes a previous run left behind. A pid alone is not enough to kill anything: after a
 * crash and a reboot the number may belong to someone else. So a run records each process it
 * starts with its command line, and a later run signals it only while /proc still shows that
 * same command line.
 */

export interface ProcessRecord {
  pid: number;
  cmdline: string;
}

/** The command line of a live process (NUL-separated, as /proc has it), or undefined. */
export function cmdlineOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return undefined;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes `file` naming `pid` and its current command line. */
export function recordProcess(file: string, pid: number): void {
  const cmdline = cmdlineOf(pid);
  if (cmdline === undefined) return;
  fs.writeFileSync(file, JSON.stringify({ pid, cmdline } satisfies ProcessRecord));
}

/** The process `file` names, when it is still that process; undefined (and the file removed) otherwise. */
export function recordedProcess(file: string): ProcessRecord | undefined {
  let record: ProcessRecord;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
  if (Number.isInteger(record.pid) && record.pid > 0 && cmdlineOf(record.pid) === record.cmdline) return record;
  fs.rmSync(file, { force: true });
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `pid` is gone; false after `ms`. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (cmdlineOf(pid) !== undefined) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Stops the process `file` records if it still runs (SIGTERM, SIGKILL after `graceMs`) and removes
 * the file. Returns the pid it stopped.
 */
export async function stopRecordedProcess(file: string, graceMs = 10_000): Promise<number | undefined> {
  const record = recordedProcess(file);
  if (!record) return undefined;
  try {
    process.kill(record.pid, 'SIGTERM');
    if (!(await waitForExit(record.pid, graceMs))) {
      process.kill(record.pid, 'SIGKILL');
      await waitForExit(record.pid, 5_000);
    }
  } catch {
    // gone meanwhile
  }
  fs.rmSync(file, { force: true });
  return record.pid;
}
