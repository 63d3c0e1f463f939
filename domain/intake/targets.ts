// Measured targets (chỉ tiêu): "chỉ tiêu phủ sóng 5G năm 2025 đạt 62%", "tối thiểu 10 doanh
// nghiệp", "xóa 20 vùng lõm sóng", "100% các văn bản ...". A number counts only after one of these
// cues: "06 công trình" or "71 mô hình" that a unit must follow up are a scope, not a target.
//
// The metric is quoted as written (OCR text stays OCR text); the unit is "%" or a known counting
// word in its proper spelling. Comparator: ">=" for anything to reach ("đạt", "tối thiểu",
// "xóa N"), "<=" for a ceiling ("tối đa", "không quá"), "=" for 100%, which cannot be exceeded.
import { cleanText, looseFold, loosePhrase as P } from './normalize';
import type { TargetDraft } from './schema';

const NUM = '(\\d{1,3}(?:\\.\\d{3})+(?!\\d)|\\d+(?:[.,]\\d+)?)';
const PERCENT = '\\s*(%)';
const CLAUSE_END = /[.;:()]|$/;

// Counting words that follow a number, in their written form; longest first so "doanh nghiệp"
// wins over a bare first word.
const COUNTERS = [
  'doanh nghiệp',
  'vùng',
  'mô hình',
  'sản phẩm',
  'công trình',
  'xã',
  'phường',
  'hộ',
  'người',
  'học viên',
  'lượt',
  'văn bản',
  'hồ sơ',
  'dịch vụ',
  'nền tảng',
  'ứng dụng',
  'trạm',
  'điểm',
  'thôn',
  'xóm',
  'trường',
  'cơ sở',
  'sáng kiến',
  'đề tài',
  'nhiệm vụ',
  'dự án',
  'bệnh viện',
  'cán bộ',
  'tỷ đồng',
  'triệu đồng',
  'km',
  'ha',
].sort((a, b) => b.length - a.length);
const COUNTER_RES = COUNTERS.map((c) => ({ name: c, re: new RegExp(`^\\s*${P(c)}`) }));

function foldWord(text: string): string {
  return looseFold(text.normalize('NFC'));
}

const RE = {
  quota: new RegExp(
    `${P('chi tieu')}\\s+([^.;:]*?)\\s+(?:${P('nam')}\\s+\\d{4}\\s+)?${P('dat')}\\s+(?:(${P('toi thieu')}|${P('it nhat')}|${P('tren')})\\s+)?${NUM}(?:${PERCENT})?`,
    'g',
  ),
  reach: new RegExp(`${P('dat')}\\s+(?:(${P('toi thieu')}|${P('it nhat')}|${P('tren')})\\s+)?${NUM}${PERCENT}`, 'g'),
  atLeast: new RegExp(`(?:${P('toi thieu')}|${P('it nhat')}|${P('khong duoi')}|${P('khong it hon')})\\s+${NUM}(?:${PERCENT})?`, 'g'),
  atMost: new RegExp(`(?:${P('toi da')}|${P('khong qua')}|${P('khong vuot qua')})\\s+${NUM}(?:${PERCENT})?`, 'g'),
  percentOf: new RegExp(`(?:${P('bao')}|${P('dam')}|${P('phan dau')}|${P('hoan thanh')})\\s+${NUM}${PERCENT}`, 'g'),
  countVerb: new RegExp(
    `(${P('xoa')}|${P('ho tro')}|${P('dao tao')}|${P('thu hut')}|${P('thanh lap')}|${P('xay dung')}|${P('phat trien')})\\s+${NUM}(?!\\s*%)`,
    'g',
  ),
};

function parseNumber(text: string): number {
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) return Number(text.replace(/\./g, ''));
  return Number(text.replace(',', '.'));
}

function comparatorFor(value: number, unit: string | null, ceiling: boolean): TargetDraft['comparator'] {
  if (ceiling) return '<=';
  return value === 100 && unit === '%' ? '=' : '>=';
}

// A comma before one of these starts a new thought ("xóa 20 vùng lõm sóng, chậm nhất ngày ..."),
// while other commas continue the metric ("môi trường số, môi trường điện tử").
const NEXT_THOUGHT = new RegExp(
  `,\\s*(?:${['cham nhat', 'truoc', 'hoan thanh', 'trong', 'den', 'dac biet', 'phan dau', 'dam bao', 'bao dam', 'dinh ky', 'dong thoi'].map((w) => P(w)).join('|')})`,
);

/** The rest of the clause after `from`, as written: the thing being counted. */
function clauseAfter(clean: string, loose: string, from: number): string {
  const rest = clean.slice(from);
  const cuts = [rest.search(CLAUSE_END), loose.slice(from).search(NEXT_THOUGHT)].filter((i) => i >= 0);
  return rest
    .slice(0, Math.min(...cuts))
    .replace(/\s+/g, ' ')
    .trim();
}

function counterAt(loose: string, from: number): { name: string; length: number } | null {
  const rest = loose.slice(from);
  for (const c of COUNTER_RES) {
    const m = c.re.exec(rest);
    if (m) return { name: c.name, length: m[0].length };
  }
  return null;
}

const LEADING_FILLER = new RegExp(`^(?:${P('cac')}|${P('so')}|${P('tong so')})\\s+`);

/** Measured targets stated in the text, in order of appearance. */
export function extractTargets(text: string): TargetDraft[] {
  const clean = cleanText(text);
  const loose = looseFold(clean);
  const found: Array<TargetDraft & { at: number }> = [];
  const taken = new Set<number>();
  const add = (numberAt: number, target: TargetDraft) => {
    if (taken.has(numberAt) || !target.metric) return;
    taken.add(numberAt);
    found.push({ ...target, at: numberAt });
  };
  const numberIndex = (m: RegExpExecArray, group: number) => m.index + m[0].lastIndexOf(m[group]);
  const stripFiller = (metric: string) => {
    const m = LEADING_FILLER.exec(foldWord(metric));
    return (m ? metric.slice(m[0].length) : metric).trim();
  };

  for (const m of loose.matchAll(RE.quota)) {
    const metricStart = m.index + m[0].indexOf(m[1]);
    const value = parseNumber(m[3]);
    const unit = m[4] ? '%' : null;
    add(numberIndex(m, 3), {
      metric: clean
        .slice(metricStart, metricStart + m[1].length)
        .replace(/\s+/g, ' ')
        .trim(),
      comparator: comparatorFor(value, unit, false),
      value,
      unit,
    });
  }
  for (const m of loose.matchAll(RE.reach)) {
    // The metric is what precedes "đạt" in the same clause: "tỷ lệ hồ sơ trực tuyến đạt 80%".
    const before = clean.slice(0, m.index);
    const cut = Math.max(
      before.lastIndexOf(','),
      before.lastIndexOf(';'),
      before.lastIndexOf('.'),
      before.lastIndexOf(':'),
      before.lastIndexOf('('),
    );
    const metric = before
      .slice(cut + 1)
      .replace(/\s+/g, ' ')
      .trim();
    const value = parseNumber(m[2]);
    add(numberIndex(m, 2), { metric, comparator: comparatorFor(value, '%', false), value, unit: '%' });
  }
  const counted = (m: RegExpExecArray, ceiling: boolean, verb?: string) => {
    const value = parseNumber(m[verb === undefined ? 1 : 2]);
    const percent = verb === undefined && Boolean(m[2]);
    const after = m.index + m[0].length;
    const counter = percent ? null : counterAt(loose, after);
    const unit = percent ? '%' : (counter?.name ?? null);
    let metric = stripFiller(clauseAfter(clean, loose, after));
    if (verb) metric = `${verb} ${metric}`;
    add(numberIndex(m, verb === undefined ? 1 : 2), { metric, comparator: comparatorFor(value, unit, ceiling), value, unit });
  };
  for (const m of loose.matchAll(RE.atLeast)) counted(m, false);
  for (const m of loose.matchAll(RE.atMost)) counted(m, true);
  for (const m of loose.matchAll(RE.percentOf)) counted(m, false);
  for (const m of loose.matchAll(RE.countVerb)) counted(m, false, clean.slice(m.index, m.index + m[1].length));

  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...target }) => target);
}
