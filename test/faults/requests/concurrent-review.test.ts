/**
 * Fault scenario: two secretariat officers decide the same completion claim at the same moment
 * (approve vs return, approve vs approve, return vs return; seeded order, offsets and whether they
 * carry an Idempotency-Key). Exactly one wins with 200, the other gets a Vietnamese 409 problem;
 * the trail holds the winner's decision once and the loser's not at all, the task's state is the
 * winner's, and a retry of either request with its key gets its own answer again. A returned claim
 * is sometimes submitted again and fought over once more.
 */
import { describe, expect, it } from 'vitest';
import type request from 'supertest';
import { PROBLEM_TYPES } from '../../../api/problems';
import { uniq } from '../../helpers/servers';
import { useApiWorld, type Person } from '../../helpers/api-world';
import { answerViolations, checkWorldInvariants } from '../lib/request-invariants';
import { recordScenario } from '../lib/report';
import { faultSeed, rngFor } from '../lib/seed';

const SCENARIO = 'requests/concurrent-review';
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

type Decision = 'approve' | 'return';

describe('fault scenario: two officers approve and return the same submission at the same moment', () => {
  const w = useApiWorld();
  const rng = rngFor(SCENARIO);

  it('lets exactly one decision through; the other is a 409 and leaves no trace', async () => {
    const submissions = rng.int(20, 40);
    const violations: string[] = [];
    let races = 0;
    let faults = 0;
    let replayed = 0;
    const outcomes: Record<string, number> = {};

    // Submissions prepared a few at a time: the workflows and their first timers run meanwhile.
    const tasks: string[] = [];
    for (let i = 0; i < submissions; i += 6) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(6, submissions - i) }, () => w.fixtures.submitted({ overdue: rng.chance(0.3) })),
      );
      tasks.push(...batch.map((f) => f.taskId));
    }

    const bodyOf = (d: Decision, who: Person) =>
      d === 'approve' ? { note: w.marker(`Đồng ý (${who.login})`) } : { reason: w.marker(`Bổ sung biên bản (${who.login})`) };

    async function race(taskId: string): Promise<Decision | null> {
      const pair = rng.pick<[Decision, Decision]>([
        ['approve', 'return'],
        ['return', 'approve'],
        ['approve', 'return'],
        ['approve', 'approve'],
        ['return', 'return'],
      ]);
      const officers = rng.chance(0.5) ? [w.people.secretariat, w.people.secretariat2] : [w.people.secretariat2, w.people.secretariat];
      const sides = pair.map((decision, i) => ({
        decision,
        who: officers[i],
        body: bodyOf(decision, officers[i]),
        key: rng.chance(0.5) ? `review-${uniq()}` : undefined,
        delay: rng.chance(0.4) ? 0 : rng.int(0, 12),
      }));
      const send = (s: (typeof sides)[number]) => {
        const req = w.http().post(`/api/v1/tasks/${taskId}/${s.decision}`).set('authorization', s.who.auth);
        return (s.key ? req.set('Idempotency-Key', s.key) : req).send(s.body);
      };
      const answers = await Promise.all(
        sides.map((s) => new Promise<request.Response>((resolve, reject) => setTimeout(() => send(s).then(resolve, reject), s.delay))),
      );
      races++;
      faults++;
      const label = `${taskId} ${sides.map((s) => `${s.decision}@${s.delay}ms${s.key ? '+key' : ''}`).join(' vs ')}`;
      answers.forEach((res) => violations.push(...answerViolations(label, res)));
      const won = answers.map((a, i) => ({ a, s: sides[i] })).filter(({ a }) => a.status === 200);
      const lost = answers.map((a, i) => ({ a, s: sides[i] })).filter(({ a }) => a.status !== 200);
      if (won.length !== 1) {
        violations.push(
          `${label}: ${won.length} decisions accepted (exactly 1 expected): ${answers.map((a) => `${a.status} ${a.text.slice(0, 120)}`).join(' | ')}`,
        );
        return null;
      }
      const winner = won[0];
      const loser = lost[0];
      w.acknowledge(taskId, winner.s.decision, winner.s.body, winner.a);
      if (
        loser.a.status !== 409 ||
        loser.a.body?.type !== PROBLEM_TYPES.conflict ||
        !VIETNAMESE.test(loser.a.body?.title ?? '') ||
        !VIETNAMESE.test(loser.a.body?.detail ?? '')
      ) {
        violations.push(
          `${label}: the losing decision answered ${loser.a.status} ${loser.a.text.slice(0, 200)} (409 conflict with a Vietnamese title and detail expected)`,
        );
      }
      outcomes[`${pair.join('/')} → ${winner.s.decision} wins`] = (outcomes[`${pair.join('/')} → ${winner.s.decision} wins`] ?? 0) + 1;

      // The trail: since the claim, the winner's decision once, by the winner, and nothing of the loser.
      const events = await w.db
        .selectFrom('audit_events')
        .select(['seq', 'kind', 'actor_user', 'payload'])
        .where('task_id', '=', taskId)
        .where('kind', 'in', ['approved', 'returned'])
        .where(
          'seq',
          '>',
          w.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.max('seq').as('s'))
            .where('task_id', '=', taskId)
            .where('kind', '=', 'submitted'),
        )
        .execute();
      const decided = winner.s.decision === 'approve' ? 'approved' : 'returned';
      if (events.length !== 1 || events[0].kind !== decided || events[0].actor_user !== winner.s.who.login) {
        violations.push(
          `${label}: the trail after the claim holds ${JSON.stringify(events.map((e) => `${e.kind} by ${e.actor_user}`))} (one '${decided}' by ${winner.s.who.login} expected)`,
        );
      }
      const loserMark = Object.values(loser.s.body)[0];
      if (events.some((e) => JSON.stringify(e.payload).includes(loserMark)))
        violations.push(`${label}: the losing request (${loserMark}) is in the trail`);

      const read = await w.http().get(`/api/v1/tasks/${taskId}`).set('authorization', w.people.secretariat.auth);
      const status = winner.s.decision === 'approve' ? 'completed' : 'returned';
      if (read.status !== 200 || read.body.state?.status !== status)
        violations.push(`${label}: the task reads ${read.status} ${read.body.state?.status} (${status} expected)`);

      // A retry of either side with its key is that side's own answer again.
      for (const { a, s } of [winner, loser]) {
        if (!s.key) continue;
        const again = await send(s);
        faults++;
        if (again.status !== a.status || again.text !== a.text || again.headers['idempotency-replayed'] !== 'true') {
          violations.push(
            `${label}: the retry of ${s.decision} with its key answered ${again.status} ${again.text.slice(0, 160)} (the first answer ${a.status} again expected)`,
          );
        } else if (again.status === 200) replayed++;
      }
      return winner.s.decision;
    }

    // Races on different tasks overlap too (a few at a time), as a busy secretariat's would.
    const queue = [...tasks];
    const resubmitted = new Set<string>();
    const racer = async () => {
      for (let taskId = queue.shift(); taskId; taskId = queue.shift()) {
        const decision = await race(taskId);
        if (decision === 'return' && !resubmitted.has(taskId) && rng.chance(0.4)) {
          resubmitted.add(taskId);
          await w.command(taskId, 'submit', { summary: w.marker('Đã bổ sung biên bản, đề nghị hoàn thành'), evidenceIds: [] });
          queue.push(taskId);
        }
      }
    };
    await Promise.all(Array.from({ length: 3 }, racer));

    violations.push(...(await checkWorldInvariants(w)));
    const notes = [
      `${submissions} submissions, ${races} races (${resubmitted.size} claims fought over twice): ${Object.entries(outcomes)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')}`,
    ];
    recordScenario({
      scenario: SCENARIO,
      seed: faultSeed(),
      runs: races,
      faultsInjected: faults,
      operationsAcknowledged: w.ledger.length + replayed,
      invariantViolations: violations.length,
      notes: [...notes, ...violations.slice(0, 20)],
    });
    expect(violations).toEqual([]);
  });
});
