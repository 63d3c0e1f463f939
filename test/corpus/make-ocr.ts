// Writes the `.ocr.txt` twin of a clean corpus notice: the same text damaged the way the real
// scanned seed (`/work/shared/seeds/004_…txt`) is damaged. Deterministic: one PRNG per file,
// seeded from SEED and the file's path, so re-running gives byte-identical output.
//
//   npx tsx test/corpus/make-ocr.ts            # (re)write every target's .ocr.txt
//   npx tsx test/corpus/make-ocr.ts --check    # exit 1 if any .ocr.txt differs from what it would write
//
// What it reproduces (each seen in seed 004):
// - diacritics lost on most words ("Thong bao"), some kept or half-kept ("Théi Nguyén");
// - character confusions: ô→6/b/d/é, ơ→o/¢/&, ư→u/w/tr/ir, ê→é/e/€, ă/â→a/i/A/d, đ→d, Đ→D/P/B/Ð,
//   Ọ→Q, l→1/I, m→rn;
// - the two-column header merged onto single lines, the "Nơi nhận" list merged with the signature;
// - paragraphs re-wrapped at a printed line width, so names and sentences break across lines;
// - page numbers, a running header and a signing-time footer inserted between lines mid-text;
// - occasional dropped function words and stray leading spaces;
// - Markdown residue (**, ##) and pipe tables of the clean text flattened as a scan would show them.
// Node's fs and path and the shared seeded generator (`test/helpers/random.ts`) only.

import * as fs from 'fs';
import * as path from 'path';
import { mulberry32, pickWeighted } from '../helpers/random';

export const SEED = 57;

/** Clean notices (relative to this folder) that get an OCR twin. */
export const OCR_TARGETS: readonly string[] = [
  '01-bcd-phien-hop-thu-tu.txt',
  '02-ke-hoach-cds-2026.txt',
  '03-cong-van-don-doc-dvc.txt',
  '06-bcd-ubnd-binh-dan-hoc-vu-so.txt',
  '08-du-thao-ke-hoach-chien-luoc-du-lieu.txt',
  '10-bcd-ke-hoach-ha-tang-so.txt',
  '11-ubnd-trung-tam-du-lieu.txt',
  '12-bcd-de-an-06-dich-vu-cong.txt',
  '15-ke-hoach-binh-dan-hoc-ai.txt',
  '16-bcd-ubnd-kinh-phi-khcn.txt',
  'held-out/09-cong-an-canh-bao-an-ninh-mang.txt',
  'held-out/13-vptu-don-doc-nhiem-vu-qua-han.txt',
  'held-out/17-ttu-ket-luan-chien-luoc-du-lieu.txt',
  'held-out/20-ubnd-dhtn-trung-tam-dmst.txt',
];

// ---------------------------------------------------------------------------------------------
// Seeded randomness

type Rng = () => number;

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const pick = pickWeighted;

function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

// ---------------------------------------------------------------------------------------------
// Characters

type Family = 'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y' | 'đ';

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** The vowel family of a Vietnamese letter and whether it carries a tone mark; null if not one. */
function classify(ch: string): { family: Family; toned: boolean } | null {
  const lower = ch.toLowerCase();
  if (lower === 'đ') return { family: 'đ', toned: false };
  const nfd = lower.normalize('NFD');
  const toned = /[\u0300\u0301\u0303\u0309\u0323]/.test(nfd);
  const base = nfd.replace(TONE_MARKS, '').normalize('NFC');
  switch (base) {
    case 'a': case 'ă': case 'â': case 'e': case 'ê': case 'i': case 'o': case 'ô': case 'ơ': case 'u': case 'ư': case 'y':
      return { family: base, toned };
    default:
      return null;
  }
}

/** What a scan makes of a lowercase letter of this family, given it is damaged rather than kept. */
function confuse(rng: Rng, family: Family, toned: boolean, original: string): string {
  switch (family) {
    case 'a': return toned ? pick(rng, [['a', 80], ['é', 7], ['4', 3], ['á', 5], ['A', 5]]) : 'a';
    case 'ă': case 'â': return pick(rng, [['a', 78], ['i', 5], ['A', 4], ['d', 3], ['é', 4], ['á', 3], [original, 3]]);
    case 'e': return toned ? pick(rng, [['e', 60], ['é', 35], ['è', 5]]) : 'e';
    case 'ê': return pick(rng, [['é', 50], ['e', 38], ['€', 4], ['c', 2], ['ê', 6]]);
    case 'i': return toned ? pick(rng, [['i', 85], ['1', 4], ['l', 4], ['í', 7]]) : 'i';
    case 'o': return toned ? pick(rng, [['o', 80], ['6', 5], ['0', 3], ['ó', 7], ['é', 5]]) : 'o';
    case 'ô': return pick(rng, [['o', 55], ['6', 15], ['é', 8], ['b', 5], ['d', 5], ['ô', 7], ['0', 5]]);
    case 'ơ': return pick(rng, [['o', 80], ['¢', 6], ['&', 5], ['é', 5], ['d', 4]]);
    case 'u': return toned ? pick(rng, [['u', 80], ['a', 5], ['y', 5], ['ú', 10]]) : 'u';
    case 'ư': return pick(rng, [['u', 72], ['w', 10], ['tr', 5], ['ir', 5], ['ui', 3], ['ư', 5]]);
    case 'y': return toned ? pick(rng, [['y', 90], ['ý', 10]]) : 'y';
    case 'đ': return pick(rng, [['d', 93], ['b', 4], ['ð', 3]]);
  }
}

/** A letter with all Vietnamese marks removed (the "clean strip" of a word). */
function strip(ch: string): string {
  if (ch === 'đ') return 'd';
  if (ch === 'Đ') return 'D';
  return ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

/** Function words a scan sometimes loses; never words that are part of unit names or dates. */
const DROPPABLE = new Set(['của', 'được', 'đã', 'để', 'những', 'này', 'cũng', 'đó', 'rất', 'sẽ']);

/** A document number such as 12-TB/BCĐ or 1520/SKHCN-CĐS: only its diacritics may go. */
const DOC_NUMBER = /^[0-9]+[-/][A-ZĐ0-9/&-]+$/;

function damageWord(rng: Rng, word: string): string {
  if (!/\p{L}/u.test(word)) return word; // numbers, dates, punctuation stay as printed
  if (DOC_NUMBER.test(word)) return rng() < 0.6 ? word.replace(/Đ/g, 'D') : word;
  const mode = pick(rng, [['keep', 6], ['strip', 44], ['confuse', 50]] as const);
  if (mode === 'keep') return word;
  let out = '';
  const chars = [...word];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const upper = ch !== ch.toLowerCase();
    if (mode === 'strip') {
      out += strip(ch);
      continue;
    }
    if (ch === 'Đ') {
      out += pick(rng, [['D', 60], ['P', 15], ['B', 15], ['Ð', 10]]);
      continue;
    }
    const cls = classify(ch);
    if (cls) {
      if (upper && cls.family === 'o' && /\u0323/.test(ch.normalize('NFD')) && rng() < 0.3) {
        out += 'Q';
        continue;
      }
      const damaged = confuse(rng, cls.family, cls.toned, ch.toLowerCase());
      out += upper ? damaged.toUpperCase() : damaged;
      continue;
    }
    if (ch === 'l' && i === 0 && rng() < 0.05) out += pick(rng, [['1', 3], ['I', 1]]);
    else if (ch === 'm' && rng() < 0.03) out += 'rn';
    else out += ch;
  }
  return out;
}

function damageLine(rng: Rng, line: string): string {
  const parts = line.split(/(\s+)/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || /^\s+$/.test(part)) {
      out.push(part);
      continue;
    }
    // Split off leading/trailing punctuation so a word's letters are judged alone.
    const m = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(part);
    const lead = m ? m[1] : '';
    const core = m ? m[2] : part;
    const tail = m ? m[3] : '';
    if (DROPPABLE.has(core.toLowerCase()) && !lead && !tail && rng() < 0.04) {
      out.push('');
      continue;
    }
    out.push(lead + damageWord(rng, core) + tail);
  }
  return out.join('').replace(/ {2,}/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Layout

/** Markdown residue of a docx conversion, which a scan of the printed page would not show. */
function dropMarkdown(line: string): string {
  return line.replace(/\*\*/g, '').replace(/^#{1,6}\s+/, '');
}

/** A pipe-table row as a scan shows it: cells in a row, rules read as I, l or |, or lost. */
function flattenTableRow(rng: Rng, line: string): string | null {
  if (/^\|[-| ]+\|$/.test(line)) return null; // separator row
  const cells = line.split('|').slice(1, -1).map((c) => c.trim());
  let row = '';
  cells.forEach((cell, i) => {
    if (i > 0) row += pick(rng, [[' | ', 4], [' I ', 2], [' l ', 1], ['  ', 3]]);
    row += cell;
  });
  return row;
}

function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

/** "Nơi nhận" on the left, the signature block on the right, read across as one line each. */
function mergeRecipientsAndSignature(lines: string[]): string[] {
  const start = lines.findIndex((l) => /^Nơi nhận/.test(l.trim()));
  if (start < 0) return lines;
  let end = start + 1;
  while (end < lines.length && /^-/.test(lines[end].trim())) end++;
  const left = lines.slice(start, end);
  const right = lines.slice(end).map((l) => l.trim()).filter(Boolean);
  const merged: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    merged.push([left[i] ?? '', right[i] ?? ''].filter(Boolean).join(' '));
  }
  return [...lines.slice(0, start), ...merged];
}

function signingStamp(rng: Rng, clean: string): string {
  const m = /ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})/.exec(clean);
  const dd = m ? m[1].padStart(2, '0') : String(intBetween(rng, 1, 28)).padStart(2, '0');
  const mm = m ? m[2].padStart(2, '0') : String(intBetween(rng, 1, 12)).padStart(2, '0');
  const yyyy = m ? m[3] : '2025';
  const time = `${String(intBetween(rng, 7, 17)).padStart(2, '0')}:${String(intBetween(rng, 0, 59)).padStart(2, '0')}:${String(intBetween(rng, 0, 59)).padStart(2, '0')}`;
  return `Thời gian ký: ${dd}/${mm}/${yyyy} ${time}`;
}

function runningHeader(clean: string): string {
  const m = /^Số:?\s*([^\s].*?)\s{2,}/m.exec(clean);
  const number = m && /\d/.test(m[1]) ? m[1].replace(/\s+/g, '') : '';
  return number ? `Văn bản số ${number}` : 'Bản chụp';
}

export function makeOcr(clean: string, relPath: string): string {
  const rng = mulberry32((SEED ^ hashString(relPath)) >>> 0);
  const width = intBetween(rng, 70, 82);
  const src = clean.normalize('NFC').replace(/\r\n?/g, '\n').split('\n').map(dropMarkdown);

  // 1. Lay the page out: headers merged, tables flattened, paragraphs wrapped at the print width.
  const laid: string[] = [];
  let bodyStarted = false;
  for (const raw of src) {
    const line = raw.replace(/\s+$/, '');
    if (!bodyStarted && /^(THÔNG BÁO|KẾ HOẠCH|CHỈ THỊ|V\/v|Kính gửi)/.test(line.trim())) bodyStarted = true;
    if (line.startsWith('|')) {
      const row = flattenTableRow(rng, line);
      if (row !== null) laid.push(...wrap(row, width));
      continue;
    }
    if (line.trim() === '*') {
      laid.push(pick(rng, [['*', 3], ['%', 2], ['¥', 1], ['', 2]]));
      continue;
    }
    if (line.trim() === '') {
      // Scans keep fewer blank lines than the source document.
      if (rng() < 0.45) laid.push('');
      continue;
    }
    const collapsed = line.replace(/\s{2,}/g, ' ').trim();
    laid.push(...(bodyStarted && collapsed.length > width ? wrap(collapsed, width) : [collapsed]));
  }
  const withSignature = mergeRecipientsAndSignature(laid);

  // 2. Damage the words.
  const damaged = withSignature.map((l) => {
    const d = damageLine(rng, l);
    return d && rng() < 0.03 ? ` ${d}` : d;
  });

  // 3. Page breaks in the middle of the text: page number, sometimes a running header or stamp.
  const out: string[] = [];
  let page = 1;
  let nextBreak = intBetween(rng, 34, 46);
  const header = runningHeader(clean);
  const stamp = signingStamp(rng, clean);
  damaged.forEach((line, i) => {
    out.push(line);
    if (i + 1 === nextBreak && i < damaged.length - 8) {
      page++;
      const block = pick<string[]>(rng, [
        [[String(page)], 3],
        [[`- ${page} -`], 2],
        [[damageLine(rng, stamp), String(page)], 2],
        [[String(page), damageLine(rng, header)], 2],
      ]);
      out.push(...block);
      nextBreak = i + 1 + intBetween(rng, 38, 50);
    }
  });
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function main(): void {
  const here = __dirname;
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const rel of OCR_TARGETS) {
    const src = path.join(here, rel);
    const dst = src.replace(/\.txt$/, '.ocr.txt');
    const text = makeOcr(fs.readFileSync(src, 'utf8'), rel);
    if (check) {
      const existing = fs.existsSync(dst) ? fs.readFileSync(dst, 'utf8') : '';
      if (existing !== text) {
        stale++;
        console.error(`stale: ${path.relative(here, dst)}`);
      }
    } else {
      fs.writeFileSync(dst, text, 'utf8');
      console.log(`wrote ${path.relative(here, dst)}`);
    }
  }
  if (stale) process.exit(1);
}

if (require.main === module) main();
