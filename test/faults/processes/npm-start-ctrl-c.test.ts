import { expect } from 'vitest';
import { describeNpmStartScenario, finishWorkload } from '../lib/scenario';
import { nextOrAfter, sleep } from '../lib/scale';

const SCENARIO = 'npm start: Ctrl-C ten times';

describeNpmStartScenario(
  {
    title: 'npm start interrupted by Ctrl-C ten times in a row while commands are in flight',
    claim: 'stops every server it started, starts cleanly again and has lost nothing acknowledged',
    name: 'npm-start-ctrl-c',
    tag: 'CC',
  },
  async (run) => {
    const { scale, rng, start: s, workload } = run;
    const { running } = await run.startWorkload(Math.round(75_000 * scale));

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

    await finishWorkload(run, running);
    await run.conclude({
      scenario: SCENARIO,
      faultsInjected: landed,
      summary: `10 Ctrl-C ${intervals.join('/')} ms apart (${landed} before npm start had exited); restarted in ${(readyMs / 1000).toFixed(1)} s`,
    });
  },
);
