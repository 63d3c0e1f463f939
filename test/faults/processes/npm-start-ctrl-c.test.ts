import { afterAll, describe, expect, it } from 'vitest';
import { concludeScenario } from '../lib/scenario';
import { faultScale, nextOrAfter, sleep } from '../lib/scale';
import { faultSeed, rngFor } from '../lib/seed';
import { npmStart, type NpmStart } from '../lib/npm-start';
import { Workload } from '../lib/workload';

const SCENARIO = 'npm start: Ctrl-C ten times';

describe('npm start interrupted by Ctrl-C ten times in a row while commands are in flight', () => {
  let s: NpmStart | undefined;
  let workload: Workload | undefined;
  afterAll(async () => {
    await workload?.close();
    await s?.stop();
  });

  it('stops every server it started, starts cleanly again and has lost nothing acknowledged', async () => {
    const seed = faultSeed();
    const scale = faultScale();
    const rng = rngFor('npm-start-ctrl-c', seed);
    s = await npmStart('npm-start-ctrl-c');
    // The first start creates the cluster and the dev server's database: not the 60 s of a restart.
    await s.start({ readyWithinMs: 240_000 });
    workload = new Workload({
      apiUrl: s.apiUrl,
      db: s.db(),
      rng,
      tag: `CC${seed}`,
      tasks: Math.max(4, Math.round(8 * scale)),
      concurrency: 3,
    });
    await workload.setup();
    const until = Date.now() + Math.round(75_000 * scale);
    await workload.launchAll(until + 60_000);
    const running = workload.run(until);

    await sleep(rng.int(8_000, 15_000));
    await nextOrAfter(workload.events, 'sent', 5_000);
    // A person pressing Ctrl-C again and again while the system drains: every press reaches npm,
    // the shell and Node at once (the terminal signals the whole foreground process group).
    const intervals: number[] = [];
    let landed = 0;
    for (let i = 0; i < 10; i++) {
      if (s.interrupt()) landed++;
      const gap = rng.int(50, 400);
      intervals.push(gap);
      await sleep(gap);
    }
    const exited = await s.exited(90_000);
    const left = await s.waitForNoSurvivors(15_000);
    expect({ exited, left }, s.output()).toEqual({ exited: true, left: [] });

    // The next start finds nothing to clean up and comes up as a restart does.
    const consoleBefore = s.output(1_000_000).length;
    const readyMs = await s.start({ readyWithinMs: 60_000 });
    const restartConsole = s.output(1_000_000).slice(consoleBefore);
    const errors = restartConsole.split('\n').filter((l) => /"level":(50|60)/.test(l));
    expect(errors, restartConsole).toEqual([]);

    await running;
    workload.stop();
    await concludeScenario(
      { seed, workload, sys: { db: s.db(), client: await s.client(), logTail: () => s!.output() } },
      {
        scenario: SCENARIO,
        faultsInjected: landed,
        summary: `10 Ctrl-C ${intervals.join('/')} ms apart (${landed} before npm start had exited); restarted in ${(readyMs / 1000).toFixed(1)} s`,
      },
    );
    await s.stop();
    expect(s.survivors()).toEqual([]);
  });
});
