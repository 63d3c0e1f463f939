import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rates, scoreNotice, type GoldNotice } from '../../bench/lib/intake-score';
import type { ExtractResult } from '../../domain/intake/schema';
import { unitByCode } from '../../domain/units';

const corpus = path.resolve(__dirname, '../corpus');
const gold: GoldNotice = JSON.parse(fs.readFileSync(path.join(corpus, '01-bcd-phien-hop-thu-tu.gold.json'), 'utf8'));
const text = fs.readFileSync(path.join(corpus, '01-bcd-phien-hop-thu-tu.txt'), 'utf8');

function proposedDeadline(deadline: GoldNotice['items'][number]['deadline']): ExtractResult['items'][number]['deadline'] {
  if (deadline.kind === 'date') return { kind: 'date', due: deadline.due, source: 'x' };
  if (deadline.kind === 'recurring') return { kind: 'recurring', rule: 'FREQ=MONTHLY', source: deadline.phrase };
  if (deadline.kind === 'ongoing') return { kind: 'ongoing', source: 'x' };
  return { kind: 'unspecified' };
}

/** The gold answer written as the parser writes its proposal (unit names, refs with spaces). */
function asProposal(notice: GoldNotice): ExtractResult {
  return {
    document: { number: notice.document.number, date: notice.document.date },
    items: notice.items.map((item) => ({
      ref: item.ref.replace('.(', ' ('),
      title: `${item.titleStart} và các việc tiếp theo`,
      text: item.titleStart,
      leadUnit: item.leadUnit ? (unitByCode(item.leadUnit)?.name ?? item.leadUnit) : null,
      coordinatingUnits: [],
      deadline: proposedDeadline(item.deadline),
      targets: [],
      missing: [],
    })),
  };
}

describe('the intake score', () => {
  it('gives the gold answer itself full marks on items, leads and titles', () => {
    const r = rates(scoreNotice(gold, asProposal(gold), text));
    expect(r).toMatchObject({ precision: 1, recall: 1, ref: 1, lead: 1, deadline: 1, titleStart: 1 });
  });

  it('counts an extra item against precision, a missing one against recall, a wrong lead and deadline against exactness', () => {
    const proposal = asProposal(gold);
    proposal.items.pop();
    proposal.items.push({ ...proposal.items[0], ref: '9.9', title: 'Đánh giá kết quả đạt được' });
    proposal.items[1] = {
      ...proposal.items[1],
      leadUnit: 'Sở Y tế',
      deadline: { kind: 'date', due: '2030-12-31T23:59:59+07:00', source: 'x' },
    };
    const score = scoreNotice(gold, proposal, text);
    expect(score.found).toBe(gold.items.length - 1);
    expect(rates(score).precision).toBeLessThan(1);
    expect(rates(score).recall).toBeLessThan(1);
    expect(score.leadAndDeadlineExact).toBe(gold.items.length - 2);
    expect(score.inventedYears).toEqual([`${proposal.items[1].ref}: 2030`]);
  });
});
