// Assignments written as fields rather than sentences (test/corpus/README.md):
// - a trailing parenthesis "(cơ quan chủ trì: A; cơ quan phối hợp: B, C; thời gian hoàn thành: Quý II/2026)";
// - a plan's field lines under a numbered heading: "- Cơ quan chủ trì: A.", "- Thời gian thực hiện: …";
// - a task or targets table: "| STT | Chỉ tiêu | Mục tiêu | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian |".
// Each gives the same three cells: who leads (several in one cell share the lead), who
// coordinates, and when; the rest of the item (its work, its indicator) is the title.
import { findUnitMentions } from '../units';
import { looseFold, loosePhrase as P } from './normalize';

export interface Fields {
  lead?: string;
  partners?: string;
  time?: string;
}

const LABELS: Array<[keyof Fields | 'other', RegExp]> = [
  ['lead', new RegExp(`(?:${P('co quan')}|${P('don vi')})\\s+${P('chu tri')}`)],
  ['partners', new RegExp(`(?:${P('co quan')}|${P('don vi')})\\s+${P('phoi hop')}`)],
  ['time', new RegExp(`${P('thoi')}\\s+(?:${P('gian')}|${P('han')})(?:\\s+(?:${P('hoan thanh')}|${P('thuc hien')}))?`)],
  ['other', new RegExp(`${P('san pham')}|${P('kinh phi')}|${P('ket qua')}`)],
];
const LABEL_AT = new RegExp(`(?:^|[(;\\n]|\\.\\s)\\s*[-+]?\\s*(${LABELS.map(([, re]) => re.source).join('|')})\\s*:`, 'g');

/** Whether a line is one field of a plan's task ("Cơ quan chủ trì: …", "Sản phẩm: …"). */
export function isFieldLine(text: string): boolean {
  const loose = looseFold(text.trim());
  return LABELS.some(([, re]) => new RegExp(`^(?:${re.source})\\s*:`).test(loose));
}

/** The fields an item's text states, and where the first of them begins (the work ends there). */
export function readFields(text: string): { fields: Fields; start: number } | null {
  const loose = looseFold(text);
  const found: Array<{ key: keyof Fields | 'other'; labelAt: number; valueAt: number }> = [];
  LABEL_AT.lastIndex = 0;
  for (let m = LABEL_AT.exec(loose); m; m = LABEL_AT.exec(loose)) {
    const label = m[1];
    const key = LABELS.find(([, re]) => new RegExp(`^(?:${re.source})$`).test(label))?.[0] ?? 'other';
    found.push({ key, labelAt: m.index + m[0].indexOf(label), valueAt: m.index + m[0].length });
  }
  if (!found.some((f) => f.key === 'lead' || f.key === 'time')) return null;
  const fields: Fields = {};
  found.forEach((f, k) => {
    const end = k + 1 < found.length ? found[k + 1].labelAt : text.length;
    let value = text.slice(f.valueAt, end);
    // A parenthesis closes the fields: "(…; thời gian: Quý II/2026)." ends before ")".
    const close = value.indexOf(')');
    if (close >= 0) value = value.slice(0, close);
    value = value.replace(/\s+/g, ' ').replace(/^[\s-]+|[\s;.,(-]+$/g, '');
    if (f.key !== 'other' && fields[f.key] === undefined) fields[f.key] = value;
  });
  let start = found[0].labelAt;
  const open = text.lastIndexOf('(', start);
  if (open >= 0 && !/[)]/.test(text.slice(open, start))) start = open;
  return { fields, start };
}

export interface TableRow {
  number: string;
  title: string;
  fields: Fields;
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** The rows of a pipe table in the text, with columns named by the header; null if there is none. */
export function readTable(text: string): { rows: TableRow[]; lines: Set<number> } | null {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^\s*\|.*\|/.test(l));
  if (header < 0) return null;
  const names = cells(lines[header]).map((c) => looseFold(c));
  const col = (re: RegExp) => names.findIndex((n) => re.test(n));
  const number = col(/^(s?tt|so tt)$/);
  const lead = col(new RegExp(P('chu tri')));
  const partners = col(new RegExp(P('phoi hop')));
  const time = col(new RegExp(`${P('thoi gian')}|${P('thoi han')}`));
  let title = col(new RegExp(`${P('chi tieu')}|${P('nhiem vu')}|${P('noi dung')}|${P('ten')}`));
  if (title < 0) title = number + 1;
  const rows: TableRow[] = [];
  const used = new Set<number>([header]);
  for (let k = header + 1; k < lines.length && /^\s*\|/.test(lines[k]); k++) {
    used.add(k);
    const row = cells(lines[k]);
    if (row.every((c) => /^[-:\s]*$/.test(c))) continue;
    const no = number >= 0 ? row[number] : String(rows.length + 1);
    if (!/^\d{1,3}$/.test(no ?? '')) continue;
    const cell = (i: number) => (i >= 0 && row[i] ? row[i] : undefined);
    rows.push({ number: no, title: row[title] ?? '', fields: { lead: cell(lead) ?? '', partners: cell(partners), time: cell(time) } });
  }
  return rows.length ? { rows, lines: used } : null;
}

// A scanned table read across loses its cell rules or prints them as "|", "I", "l": each row is
// then a line (or a few) starting with its number, "1 Hoàn thành … l Sở Khoa học … | Năm 2025".
const SEPARATOR = /\s[|Il]\s/;
const ROW_START = /^\s*(\d{1,2})\s*(?:[|Il]\s)?\s*(\S.*)$/;

/** Rows of a table whose cell rules OCR lost; null unless a header with "chủ trì" and rows 1, 2, … follow. */
export function readFlatTable(text: string): { rows: TableRow[] } | null {
  const lines = text.split('\n');
  const header = lines.findIndex(
    (l, k) => /^\s*s?tt\b/.test(looseFold(l)) && new RegExp(P('chu tri')).test(looseFold(`${l} ${lines[k + 1] ?? ''}`)),
  );
  if (header < 0) return null;
  const rows: Array<{ number: string; text: string }> = [];
  for (const line of lines.slice(header + 1)) {
    const m = ROW_START.exec(line);
    if (m && Number(m[1]) === rows.length + 1) rows.push({ number: m[1], text: m[2] });
    else if (rows.length) rows[rows.length - 1].text += ` ${line.trim()}`;
  }
  if (rows.length < 2) return null;
  return {
    rows: rows.map(({ number, text: row }) => {
      // The title (indicator or task) ends at a target value, a cell rule, or the first unit.
      const mentions = findUnitMentions(row);
      const cuts = [row.search(/\s*[|Il]?\s*\d+(?:[.,]\d+)?\s*%/), row.search(SEPARATOR), mentions[0]?.start ?? -1].filter((i) => i > 0);
      const cut = cuts.length ? Math.min(...cuts) : row.length;
      const rest = row.slice(cut);
      const units = findUnitMentions(rest);
      const shared = new RegExp(P('dong chu tri')).test(looseFold(rest));
      const leadCount = shared
        ? Math.max(1, units.findIndex((u) => new RegExp(P('dong chu tri')).test(looseFold(rest.slice(u.end, u.end + 20)))) + 1)
        : 1;
      const name = (k: number) => rest.slice(units[k].start, units[k].end);
      return {
        number,
        title: row.slice(0, cut).replace(/[|\s]+$/, ''),
        fields: {
          lead: units
            .slice(0, leadCount)
            .map((_, k) => name(k))
            .join(', '),
          partners: units
            .slice(leadCount)
            .map((_, k) => name(k + leadCount))
            .join(', '),
          time: units.length ? rest.slice(units[units.length - 1].end) : rest,
        },
      };
    }),
  };
}
