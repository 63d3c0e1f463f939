// Consistency check of the corpus itself (not of any parser): every notice has a gold file of the
// documented shape, unit codes exist in the registry, titles, phrases, numbers and dates are in
// the text, due instants are well formed, refs are unique, OCR twins are up to date.
//
//   npx tsx test/corpus/check-gold.ts
//
// It reads domain/units.ts (the registry) and nothing of the intake parser.

import * as fs from 'fs';
import * as path from 'path';
import { unitRegistry } from '../../domain/units';
import { OCR_TARGETS, makeOcr } from './make-ocr';

const codes = new Set(unitRegistry.map((u) => u.code));
const here = __dirname;
const problems: string[] = [];

function fold(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\*\*/g, '')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9%]+/g, ' ')
    .trim();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameKeys(obj: Record<string, unknown>, keys: string[], where: string): void {
  const have = Object.keys(obj).sort().join(',');
  const want = [...keys].sort().join(',');
  if (have !== want) problems.push(`${where}: keys ${have}, expected ${want}`);
}

function checkUnit(v: unknown, where: string, nullable: boolean): void {
  if (v === null && nullable) return;
  if (typeof v !== 'string' || !codes.has(v)) problems.push(`${where}: not a registry code: ${JSON.stringify(v)}`);
  if (v === 'UBND_HUYEN') problems.push(`${where}: no district level since 01/07/2025`);
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkDue(due: unknown, where: string): void {
  const m = typeof due === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(00:00:00|23:59:59)\+07:00$/.exec(due) : null;
  if (!m) {
    problems.push(`${where}: malformed due ${JSON.stringify(due)}`);
    return;
  }
  const [, y, mo, d] = m.map(Number) as unknown as number[];
  if (mo < 1 || mo > 12 || d < 1 || d > lastDay(y, mo)) problems.push(`${where}: no such day ${due}`);
  // A period's end is its last second; "trước ngày D" is D at 00:00.
  if (m[4] === '23:59:59' && d !== lastDay(y, mo)) problems.push(`${where}: 23:59:59 on a day that is not a month's last ${due}`);
}

function checkNotice(txtPath: string): void {
  const rel = path.relative(here, txtPath);
  const goldPath = txtPath.replace(/\.txt$/, '.gold.json');
  const text = fs.readFileSync(txtPath, 'utf8');
  if (text !== text.normalize('NFC')) problems.push(`${rel}: not NFC`);
  if (/\r/.test(text)) problems.push(`${rel}: CR line endings`);
  if (/UBND (các )?huyện|Ủy ban nhân dân (các )?huyện/i.test(text)) problems.push(`${rel}: mentions UBND huyện`);
  const lines = text.split('\n').length;
  if (lines < 40 || lines > 150) problems.push(`${rel}: ${lines} lines, expected 40-150`);
  if (!fs.existsSync(goldPath)) {
    problems.push(`${rel}: no gold file`);
    return;
  }
  let gold: unknown;
  try {
    gold = JSON.parse(fs.readFileSync(goldPath, 'utf8'));
  } catch (e) {
    problems.push(`${rel}: gold is not JSON: ${(e as Error).message}`);
    return;
  }
  if (!isObject(gold)) {
    problems.push(`${rel}: gold is not an object`);
    return;
  }
  sameKeys(gold, ['document', 'items', 'findings', 'notes'], `${rel} gold`);
  const doc = gold.document;
  const folded = fold(text);
  const header = text.split('\n').slice(0, 12).join('\n');
  if (!isObject(doc)) problems.push(`${rel}: document missing`);
  else {
    sameKeys(doc, ['number', 'issuer', 'date'], `${rel} document`);
    if (doc.number !== null) {
      if (typeof doc.number !== 'string' || !header.replace(/\s+/g, '').includes(doc.number)) problems.push(`${rel}: number ${JSON.stringify(doc.number)} not in header`);
    } else if (/Số:?\s*\d/.test(header)) problems.push(`${rel}: number null but header has one`);
    if (typeof doc.issuer !== 'string' || !doc.issuer) problems.push(`${rel}: issuer missing`);
    if (doc.date !== null) {
      const m = typeof doc.date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(doc.date) : null;
      if (!m) problems.push(`${rel}: malformed date`);
      else {
        const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const inHeader = new RegExp(`ngày 0?${d} tháng 0?${mo} năm ${y}`).test(header);
        const inOpening = new RegExp(`Ngày 0?${d}/0?${mo}/${y}`).test(text);
        if (!inHeader && !inOpening) problems.push(`${rel}: date ${doc.date} not in header or opening`);
      }
    }
  }
  if (typeof gold.findings !== 'number' || !Number.isInteger(gold.findings) || gold.findings < 0) problems.push(`${rel}: findings must be a count`);
  if (typeof gold.notes !== 'string' || !gold.notes) problems.push(`${rel}: notes missing`);
  if (!Array.isArray(gold.items) || gold.items.length === 0) {
    problems.push(`${rel}: no items`);
    return;
  }
  const refs = new Set<string>();
  gold.items.forEach((item: unknown, i: number) => {
    const where = `${rel} item ${i + 1}`;
    if (!isObject(item)) {
      problems.push(`${where}: not an object`);
      return;
    }
    sameKeys(item, ['ref', 'titleStart', 'leadUnit', 'coLeadUnits', 'coordinatingUnits', 'deadline'], where);
    const ref = item.ref;
    if (typeof ref !== 'string' || !/^(?:[IVX]+|\d+)(?:\.\d+)*(?:\.\((?:\d+|[a-z]|[ivx]+|-\d+|\+\d+)\))*$/.test(ref)) problems.push(`${where}: odd ref ${JSON.stringify(ref)}`);
    else if (refs.has(ref)) problems.push(`${where}: duplicate ref ${ref}`);
    else refs.add(ref);
    const title = item.titleStart;
    if (typeof title !== 'string') problems.push(`${where}: titleStart missing`);
    else {
      const words = title.split(/\s+/).length;
      if (words < 4 || words > 6) problems.push(`${where}: titleStart has ${words} words`);
      if (!folded.includes(fold(title))) problems.push(`${where}: titleStart not in text: ${title}`);
      if (title[0] !== title[0].toUpperCase()) problems.push(`${where}: titleStart not capitalised`);
    }
    checkUnit(item.leadUnit, `${where} leadUnit`, true);
    for (const key of ['coLeadUnits', 'coordinatingUnits'] as const) {
      const list = item[key];
      if (!Array.isArray(list)) problems.push(`${where}: ${key} not a list`);
      else list.forEach((c: unknown) => checkUnit(c, `${where} ${key}`, false));
    }
    const dl = item.deadline;
    if (!isObject(dl)) problems.push(`${where}: deadline missing`);
    else if (dl.kind === 'date') {
      sameKeys(dl, ['kind', 'due'], where);
      checkDue(dl.due, where);
    } else if (dl.kind === 'recurring' || dl.kind === 'trigger') {
      sameKeys(dl, ['kind', 'phrase'], where);
      if (typeof dl.phrase !== 'string' || !folded.includes(fold(dl.phrase))) problems.push(`${where}: phrase not in text: ${JSON.stringify(dl.phrase)}`);
    } else if (dl.kind === 'ongoing' || dl.kind === 'unspecified') sameKeys(dl, ['kind'], where);
    else problems.push(`${where}: unknown deadline kind ${JSON.stringify(dl.kind)}`);
  });
}

function txtFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{2}-.*\.txt$/.test(f) && !f.endsWith('.ocr.txt'))
    .map((f) => path.join(dir, f));
}

const main = txtFiles(here);
const heldOut = txtFiles(path.join(here, 'held-out'));
for (const f of [...main, ...heldOut]) checkNotice(f);

const numbers = [...main, ...heldOut].map((f) => path.basename(f).slice(0, 2));
if (new Set(numbers).size !== numbers.length) problems.push('two notices share a number');

for (const rel of OCR_TARGETS) {
  const src = path.join(here, rel);
  const dst = src.replace(/\.txt$/, '.ocr.txt');
  if (!fs.existsSync(dst) || fs.readFileSync(dst, 'utf8') !== makeOcr(fs.readFileSync(src, 'utf8'), rel)) problems.push(`${rel}: OCR twin missing or stale (run make-ocr.ts)`);
}
for (const dir of [here, path.join(here, 'held-out')]) {
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ocr.txt'))) {
    const rel = path.relative(here, path.join(dir, f)).replace(/\.ocr\.txt$/, '.txt');
    if (!OCR_TARGETS.includes(rel)) problems.push(`${rel}: OCR twin not produced by make-ocr.ts`);
  }
}

const items = [...main, ...heldOut].reduce((n, f) => {
  const g = path.join(path.dirname(f), path.basename(f).replace(/\.txt$/, '.gold.json'));
  return n + (fs.existsSync(g) ? (JSON.parse(fs.readFileSync(g, 'utf8')).items?.length ?? 0) : 0);
}, 0);
console.log(`${main.length + heldOut.length} notices (${heldOut.length} held out), ${items} items, ${OCR_TARGETS.length} OCR twins`);
if (problems.length) {
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log('corpus consistent');
