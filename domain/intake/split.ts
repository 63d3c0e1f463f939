// Splits a directive into its preamble, its numbered items and its closing, by the document's own
// numbering, which also makes each item's reference. The reference scheme and when inline "(1) ..."
// are sub-items: docs/architecture.md, "References are the document's numbering".
import { collapseWhitespace, looseFold, loosePhrase as P } from './normalize';

export type MarkerKind = 'roman-section' | 'decimal' | 'paren-number' | 'paren-roman' | 'letter' | 'bullet' | 'plus';

export interface ItemNode {
  /** Reference as cited: "2.2.(1)", "4.(-1)". */
  ref: string;
  kind: MarkerKind;
  /** The item's own text without its marker; for an item with sub-items, the lead-in before them. */
  text: string;
  children: ItemNode[];
}

export interface SplitDocument {
  /** Everything before the first item: header, title, context, the sentence that introduces the list. */
  preamble: string;
  items: ItemNode[];
  /** From "Trên đây là ...", "Nơi nhận", or "... thông báo để ... biết, thực hiện" on. */
  closing: string;
}

interface Marker {
  kind: MarkerKind;
  /** Decimal path, the numeral of (n)/(i)/a), or empty for bullets. */
  path: number[];
  label: string;
  rest: string;
}

interface Building {
  ref: string;
  kind: MarkerKind;
  path: number[];
  lines: string[];
  children: Building[];
  /** Last sub-item number seen per kind, to check that numbering counts up. */
  lastChild: Map<MarkerKind, number>;
  parent: Building | null;
}

const ROMAN_VALUES: Record<string, number> = { i: 1, v: 5, x: 10, l: 50 };

/** Value of a Roman numeral ("iv" -> 4), or NaN. */
export function romanValue(text: string): number {
  const s = text.toLowerCase();
  if (!/^[ivxl]+$/.test(s)) return NaN;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN_VALUES[s[i]];
    const next = ROMAN_VALUES[s[i + 1]] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

function parseMarker(line: string): Marker | null {
  let m = /^([IVX]{1,4})\.\s+(\S.*)$/.exec(line);
  if (m) return { kind: 'roman-section', path: [romanValue(m[1])], label: m[1], rest: m[2] };
  m = /^(\d{1,2}(?:\.\d{1,2}){0,3})(\.|\))?\s+(\S.*)$/.exec(line);
  if (m) {
    const path = m[1].split('.').map(Number);
    // "1" alone needs its dot ("1. Tiếp tục"); "2.1 Yêu cầu" is unambiguous without one.
    if (path.length === 1 && !m[2]) return null;
    return { kind: 'decimal', path, label: m[1], rest: m[3] };
  }
  m = /^\((\d{1,2})\)\s+(\S.*)$/.exec(line);
  if (m) return { kind: 'paren-number', path: [Number(m[1])], label: `(${m[1]})`, rest: m[2] };
  m = /^(\(([ivx]{1,4})\)|([ivx]{1,4})\))\s+(\S.*)$/.exec(line);
  if (m) return { kind: 'paren-roman', path: [romanValue(m[2] ?? m[3])], label: m[1], rest: m[4] };
  m = /^([a-zđ])\)\s+(\S.*)$/.exec(line);
  if (m) return { kind: 'letter', path: [letterValue(m[1])], label: `${m[1]})`, rest: m[2] };
  m = /^([-+•])\s+(\S.*)$/.exec(line);
  if (m) {
    return m[1] === '+' ? { kind: 'plus', path: [], label: '+', rest: m[2] } : { kind: 'bullet', path: [], label: '-', rest: m[2] };
  }
  return null;
}

// Vietnamese lists run a, b, c, d, đ, e, ...
const LETTERS = 'abcdđefghiklmnopqrstuvxy';
function letterValue(letter: string): number {
  return LETTERS.indexOf(letter) + 1;
}

const CLOSING_ANYWHERE = new RegExp(`^(?:${P('tren day la')}|${P('noi nhan')})`);
// Closing paragraphs: "… thông báo để … biết, thực hiện", "Trong quá trình thực hiện, nếu có
// vướng mắc …", the issuer's promise ("Sở Khoa học và Công nghệ sẽ tổng hợp …"), "Đề nghị các cơ
// quan, đơn vị quan tâm phối hợp thực hiện./.".
const CLOSING_PARAGRAPH = [
  new RegExp(`^.{0,80}${P('thong bao')}\\s+(?:${P('de')}|${P('den')}|${P('cho')})(?![a-z0-9])`),
  new RegExp(`^${P('trong qua trinh')}\\s+(?:${P('thuc hien')}|${P('trien khai')})`),
  /^[^,.;]{0,80}\sse\s(tong hop|theo doi|bao cao|kiem tra)/,
  /^de nghi cac (co quan|don vi|so).{0,60}(quan tam|nghiem tuc).{0,40}thuc hien\s*\.?\/\.$/,
];

function isClosing(line: string, paragraphStart: boolean): boolean {
  const loose = looseFold(line).replace(/\s+/g, ' ').trim();
  return CLOSING_ANYWHERE.test(loose) || (paragraphStart && CLOSING_PARAGRAPH.some((re) => re.test(loose))) || /^\.\/\.$/.test(loose);
}

/** "(1)", "(i)", "(a)", "(-2)", "(+1)": a sub-item's part of a reference. */
export function subLabel(kind: MarkerKind, label: string, bulletIndex: number): string {
  if (kind === 'bullet') return `(-${bulletIndex})`;
  if (kind === 'plus') return `(+${bulletIndex})`;
  return `(${label.replace(/[()]/g, '')})`;
}

/** A child's reference under its parent's. */
export function joinRef(base: string, part: string): string {
  return base ? `${base}.${part}` : part;
}

function childRef(parent: Building, marker: Marker, bulletIndex: number): string {
  const base = parent.ref;
  switch (marker.kind) {
    case 'roman-section':
      return marker.label;
    case 'decimal':
      return base && parent.kind === 'roman-section' ? `${base}.${marker.label}` : marker.label;
    default:
      return joinRef(base, subLabel(marker.kind, marker.label, bulletIndex));
  }
}

function newNode(parent: Building, marker: Marker): Building {
  const bullet = marker.kind === 'bullet' || marker.kind === 'plus';
  const bulletIndex = bullet ? (parent.lastChild.get(marker.kind) ?? 0) + 1 : 0;
  const node: Building = {
    ref: childRef(parent, marker, bulletIndex),
    kind: marker.kind,
    path: marker.path,
    lines: [marker.rest],
    children: [],
    lastChild: new Map(),
    parent,
  };
  parent.lastChild.set(marker.kind, bullet ? bulletIndex : marker.path[marker.path.length - 1]);
  parent.children.push(node);
  return node;
}

function decimalParent(stack: Building[], path: number[]): Building | null {
  for (let i = stack.length - 1; i >= 0; i--) {
    const node = stack[i];
    if (path.length === 1 && (node.kind === 'roman-section' || node.parent === null)) return node;
    if (node.kind === 'decimal' && node.path.length === path.length - 1 && node.path.every((n, k) => n === path[k])) return node;
  }
  return null;
}

/** Where a marker fits in the open items, or null if it breaks the numbering and is only text. */
function place(stack: Building[], marker: Marker, started: boolean): Building | null {
  const root = stack[0];
  if (marker.kind === 'roman-section') {
    const expected = (root.lastChild.get('roman-section') ?? 0) + 1;
    return marker.path[0] === expected ? root : null;
  }
  if (marker.kind === 'decimal') {
    const parent = decimalParent(stack, marker.path);
    if (!parent) return null;
    const expected = (parent.lastChild.get('decimal') ?? 0) + 1;
    return marker.path[marker.path.length - 1] === expected ? parent : null;
  }
  if (!started) return null;
  // A kind already open names the level: close what is below it and add a sibling.
  for (let i = stack.length - 1; i > 0; i--) {
    if (stack[i].kind === marker.kind) {
      const parent = stack[i].parent!;
      if (marker.kind === 'bullet' || marker.kind === 'plus') return parent;
      return marker.path[0] === (parent.lastChild.get(marker.kind) ?? 0) + 1 ? parent : null;
    }
  }
  const top = stack[stack.length - 1];
  if (marker.kind === 'bullet' || marker.kind === 'plus') return top;
  if (marker.kind === 'paren-number' && !/^\p{Lu}/u.test(marker.rest)) return null;
  return marker.path[0] === 1 ? top : null;
}

// Inline "(n)" sub-items: counting up from 1, each opening a sentence with a capital letter.
function splitInline(node: ItemNode): void {
  if (node.children.length) {
    node.children.forEach(splitInline);
    return;
  }
  const text = node.text;
  const starts: Array<{ at: number; bodyAt: number; label: string }> = [];
  for (const style of [/\((\d{1,2})\)\s+/g, /\(([ivx]{1,4})\)\s+/g]) {
    starts.length = 0;
    let expected = 1;
    for (const m of text.matchAll(style)) {
      const n = /^\d/.test(m[1]) ? Number(m[1]) : romanValue(m[1]);
      if (n !== expected) continue;
      const before = text.slice(0, m.index).trimEnd();
      const opensSentence = before === '' || /[:.;]$/.test(before);
      const bodyAt = m.index + m[0].length;
      if (!opensSentence || !/^\p{Lu}/u.test(text.slice(bodyAt))) continue;
      starts.push({ at: m.index, bodyAt, label: `(${m[1]})` });
      expected++;
    }
    if (starts.length >= 2) break;
  }
  if (starts.length < 2) return;
  node.children = starts.map((s, i) => ({
    ref: joinRef(node.ref, s.label),
    kind: /\d/.test(s.label) ? 'paren-number' : 'paren-roman',
    text: collapseWhitespace(text.slice(s.bodyAt, i + 1 < starts.length ? starts[i + 1].at : text.length)),
    children: [],
  }));
  node.text = collapseWhitespace(text.slice(0, starts[0].at));
}

function finish(node: Building): ItemNode {
  return { ref: node.ref, kind: node.kind, text: node.lines.join('\n').trim(), children: node.children.map(finish) };
}

/** Preamble, item tree and closing of a cleaned directive text. */
export function splitItems(text: string): SplitDocument {
  const root: Building = { ref: '', kind: 'decimal', path: [], lines: [], children: [], lastChild: new Map(), parent: null };
  const stack: Building[] = [root];
  const preamble: string[] = [];
  const closing: string[] = [];
  let started = false;
  let ended = false;
  let paragraphStart = true;

  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (ended) {
      closing.push(raw);
      continue;
    }
    if (line === '') {
      paragraphStart = true;
      if (started) stack[stack.length - 1].lines.push('');
      else preamble.push(raw);
      continue;
    }
    let marker = parseMarker(line);
    let parent = marker ? place(stack, marker, started) : null;
    if (marker?.kind === 'paren-roman' && /^[a-z]\)$/.test(marker.label)) {
      // "i)" after "h)" is the next letter, not Roman one.
      const asLetter: Marker = { ...marker, kind: 'letter', path: [letterValue(marker.label[0])] };
      const letterParent = place(stack, asLetter, started);
      if (letterParent && stack.some((n) => n.kind === 'letter')) [marker, parent] = [asLetter, letterParent];
    }
    if (!(marker && parent) && started && isClosing(line, paragraphStart)) {
      ended = true;
      closing.push(raw);
      continue;
    }
    paragraphStart = false;
    if (marker && parent) {
      while (stack[stack.length - 1] !== parent) stack.pop();
      stack.push(newNode(parent, marker));
      started = true;
    } else if (started) {
      stack[stack.length - 1].lines.push(line);
    } else {
      preamble.push(raw);
    }
  }

  const tail = cutClosingSentence(root);
  if (tail) closing.unshift(tail);
  const items = root.children.map(finish);
  items.forEach(splitInline);
  return { preamble: preamble.join('\n').trim(), items, closing: closing.join('\n').trim() };
}

// The closing formula as a sentence at the end of the last item, where no blank line set it
// apart (OCR re-wrapping, or a closing that does not match a paragraph pattern): "… thông báo để …",
// "Trong quá trình thực hiện …", "… sẽ tổng hợp …", or a request ending the text "… thực hiện./.".
const CLOSING_SENTENCE = new RegExp(
  [
    `[^.;\\n]{0,80}${P('thong bao')}\\s+(?:${P('de')}|${P('den')}|${P('cho')})\\s`,
    `${P('trong qua trinh')}\\s+(?:${P('thuc hien')}|${P('trien khai')})`,
    '[^,.;\\n]{0,80}\\sse\\s(?:tong hop|theo doi)\\s',
    '[^.;]{0,120}(?:yeu cau|de nghi)\\s[^;]{0,200}(?:thuc hien|trien khai)[^.;]{0,60}\\.\\s*\\/\\.\\s*$',
  ]
    .map((alt) => `(?:${alt})`)
    .join('|'),
);

/** Cuts a closing sentence off the document's last item; returns it, or null. */
function cutClosingSentence(root: Building): string | null {
  let last = root;
  while (last.children.length) last = last.children[last.children.length - 1];
  if (last === root) return null;
  const text = last.lines.join('\n');
  const loose = looseFold(text);
  // Sentence starts after the marker's first sentence: ". X", or a line break before a capital.
  for (const m of text.matchAll(/(?:[.;:]\s+|\n\s*)(?=\p{Lu})/gu)) {
    const at = m.index + m[0].length;
    if (at < 20) continue;
    if (
      CLOSING_SENTENCE.test(loose.slice(at).replace(/\s+/g, ' ')) &&
      new RegExp(`^(?:${CLOSING_SENTENCE.source})`).test(loose.slice(at).replace(/\s+/g, ' '))
    ) {
      last.lines = text.slice(0, at).trimEnd().split('\n');
      return text.slice(at).trim();
    }
  }
  return null;
}
