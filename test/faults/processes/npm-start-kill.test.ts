import { expect } from 'vitest';
import { describeNpmStartScenario, finishWorkload } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';
import { processes } from '../lib/npm-start';
import type { Violation } from '../lib/invariants';

const SCENARIO = 'npm start: SIGKILL of each process';
const RESTART_WITHIN_MS = 60_000;

type Victim = 'node' | 'devServer' | 'postgres' | 'node and its helpers';

describeNpmStartScenario(
  {
    title: 'each process of npm start killed with SIGKILL in turn, then npm start again',
    claim: 'comes back within 60 s every time and loses nothing acknowledged',
    name: 'npm-start-kill',
    tag: 'NK',
  },
  async (run) => {
    const { scale, rng, start: s, workload } = run;
    // The last victim is the Node process with every other process outside npm's process group
    // that is not a server (a watchdog, if any): what is left must be cleaned up by the next start.
    const victims: Victim[] = ['node', 'devServer', 'postgres', 'node and its helpers'];
    const { running } = await run.startWorkload(Math.round(victims.length * 40_000 * scale));

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
    await finishWorkload(run, running);
    await run.conclude({ scenario: SCENARIO, faultsInjected: victims.length, summary: restarts.join('; '), problems: () => problems });
  },
);
