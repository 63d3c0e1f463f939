import { afterAll, describe, expect, it } from 'vitest';
import { concludeScenario } from '../lib/scenario';
import { faultScale, nextOrAfter, sleep } from '../lib/scale';
import { faultSeed, rngFor } from '../lib/seed';
import { npmStart, processes, type NpmStart } from '../lib/npm-start';
import { Workload } from '../lib/workload';
import type { Violation } from '../lib/invariants';

const SCENARIO = 'npm start: SIGKILL of each process';
const RESTART_WITHIN_MS = 60_000;

type Victim = 'node' | 'devServer' | 'postgres' | 'node and its helpers';

describe('each process of npm start killed with SIGKILL in turn, then npm start again', () => {
  let s: NpmStart | undefined;
  let workload: Workload | undefined;
  afterAll(async () => {
    await workload?.close();
    await s?.stop();
  });

  it('comes back within 60 s every time and loses nothing acknowledged', async () => {
    const seed = faultSeed();
    const scale = faultScale();
    const rng = rngFor('npm-start-kill', seed);
    s = await npmStart('npm-start-kill');
    await s.start({ readyWithinMs: 240_000 });
    workload = new Workload({
      apiUrl: s.apiUrl,
      db: s.db(),
      rng,
      tag: `NK${seed}`,
      tasks: Math.max(4, Math.round(8 * scale)),
      concurrency: 3,
    });
    await workload.setup();
    // The last victim is the Node process with every other process outside npm's process group
    // that is not a server (a watchdog, if any): what is left must be cleaned up by the next start.
    const victims: Victim[] = ['node', 'devServer', 'postgres', 'node and its helpers'];
    const until = Date.now() + Math.round(victims.length * 40_000 * scale);
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    const problems: Violation[] = [];
    const restarts: string[] = [];
    for (const victim of victims) {
      await sleep(rng.int(5_000, 12_000));
      await nextOrAfter(workload.events, 'sent', 5_000);
      await sleep(rng.int(0, 250));
      const pids = s.pids();
      const targets: number[] = [];
      if (victim === 'node and its helpers') {
        targets.push(pids.node!);
        const servers = new Set([pids.devServer, pids.postgres]);
        for (const p of processes())
          if (p.args.includes(s.dataDir) && !servers.has(p.pid) && !p.args.includes('cli/start.ts') && !/^postgres: /.test(p.args))
            targets.push(p.pid);
      } else {
        targets.push(pids[victim]!);
      }
      expect(targets.every(Boolean), `${victim}: ${JSON.stringify(pids)}`).toBe(true);
      for (const pid of targets) process.kill(pid, 'SIGKILL');
      // With a server gone, npm start may stop by itself; otherwise the person at the terminal presses Ctrl-C.
      let how = 'stopped by itself';
      if (!(await s.exited(30_000))) {
        how = 'stopped by Ctrl-C';
        s.interrupt();
        if (!(await s.exited(60_000))) {
          problems.push({ invariant: 'stops', detail: `after SIGKILL of ${victim}, npm start did not stop on Ctrl-C within 60 s` });
          how = 'did not stop';
        }
      }
      let ready: number;
      try {
        ready = await s.start({ readyWithinMs: RESTART_WITHIN_MS });
      } catch (err) {
        throw new Error(`after SIGKILL of ${victim} (${how}), npm start did not come back: ${(err as Error).message}`, { cause: err });
      }
      restarts.push(`${victim}: ${how}, up again in ${(ready / 1000).toFixed(1)} s`);
      console.log(`[${SCENARIO}] ${restarts.at(-1)}`);
    }
    await running;
    workload.stop();
    await concludeScenario(
      { seed, workload, sys: { db: s.db(), client: await s.client(), logTail: () => s!.output() } },
      { scenario: SCENARIO, faultsInjected: victims.length, summary: restarts.join('; '), problems: () => problems },
    );
    await s.stop();
    expect(s.survivors()).toEqual([]);
  });
});
