// The registry of units that receive assignments, and the name matching that maps what a
// document writes ("Giao đồng chí Giám đốc Sở KH&CN", OCR "S¢ Khoa hoc va Cong nghé") onto it.
// Pure: it also runs in the intake parser and seeds the `units` table, so codes never change.

export type UnitKind = 'department' | 'committee' | 'police' | 'university' | 'locality' | 'party' | 'enterprise' | 'other';

export interface Unit {
  /** Stable ASCII code, the key other tables refer to. */
  code: string;
  /** Canonical Vietnamese name, with full diacritics. */
  name: string;
  /** Other ways documents write it; matched diacritic-insensitively and OCR-tolerantly. */
  aliases: string[];
  kind: UnitKind;
}

export const unitRegistry: readonly Unit[] = [
  // Departments of the provincial People's Committee after the 2025 mergers. Pre-merger names stay
  // as aliases of the successor because older directives still cite them.
  {
    code: 'SKHCN',
    name: 'Sở Khoa học và Công nghệ',
    aliases: ['Sở KH&CN', 'Sở KHCN', 'Sở Khoa học Công nghệ', 'Sở Thông tin và Truyền thông', 'Sở TT&TT'],
    kind: 'department',
  },
  { code: 'SCT', name: 'Sở Công Thương', aliases: [], kind: 'department' },
  { code: 'STC', name: 'Sở Tài chính', aliases: ['Sở Kế hoạch và Đầu tư', 'Sở KH&ĐT'], kind: 'department' },
  { code: 'SNV', name: 'Sở Nội vụ', aliases: ['Sở Lao động - Thương binh và Xã hội', 'Sở LĐ-TB&XH'], kind: 'department' },
  { code: 'STP', name: 'Sở Tư pháp', aliases: [], kind: 'department' },
  { code: 'SXD', name: 'Sở Xây dựng', aliases: ['Sở Giao thông vận tải', 'Sở GTVT'], kind: 'department' },
  {
    code: 'SNNMT',
    name: 'Sở Nông nghiệp và Môi trường',
    aliases: ['Sở NN&MT', 'Sở Nông nghiệp và Phát triển nông thôn', 'Sở Tài nguyên và Môi trường', 'Sở TN&MT'],
    kind: 'department',
  },
  { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', aliases: ['Sở GD&ĐT', 'Sở GDĐT'], kind: 'department' },
  { code: 'SYT', name: 'Sở Y tế', aliases: [], kind: 'department' },
  { code: 'SVHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', aliases: ['Sở VH,TT&DL', 'Sở VHTTDL'], kind: 'department' },
  { code: 'SDTTG', name: 'Sở Dân tộc và Tôn giáo', aliases: ['Ban Dân tộc tỉnh'], kind: 'department' },
  { code: 'SNGV', name: 'Sở Ngoại vụ', aliases: [], kind: 'department' },
  { code: 'TTRA_TINH', name: 'Thanh tra tỉnh', aliases: [], kind: 'department' },
  { code: 'VP_UBND', name: 'Văn phòng Ủy ban nhân dân tỉnh', aliases: ['Văn phòng UBND tỉnh', 'VP UBND tỉnh'], kind: 'department' },
  {
    code: 'BQL_KCN',
    name: 'Ban Quản lý các Khu công nghiệp tỉnh',
    aliases: ['Ban Quản lý các KCN tỉnh', 'Ban Quản lý các Khu công nghiệp'],
    kind: 'department',
  },

  {
    code: 'UBND_TINH',
    name: 'Ủy ban nhân dân tỉnh',
    aliases: ['UBND tỉnh', 'Ủy ban nhân dân tỉnh Thái Nguyên', 'UBND tỉnh Thái Nguyên'],
    kind: 'committee',
  },
  { code: 'CA_TINH', name: 'Công an tỉnh', aliases: ['Công an tỉnh Thái Nguyên'], kind: 'police' },
  { code: 'DHTN', name: 'Đại học Thái Nguyên', aliases: ['ĐHTN', 'Trường Đại học Thái Nguyên'], kind: 'university' },

  { code: 'TU', name: 'Tỉnh ủy', aliases: ['Tỉnh ủy Thái Nguyên', 'Ban Chấp hành Đảng bộ tỉnh'], kind: 'party' },
  { code: 'BTV_TU', name: 'Ban Thường vụ Tỉnh ủy', aliases: [], kind: 'party' },
  { code: 'TT_TU', name: 'Thường trực Tỉnh ủy', aliases: [], kind: 'party' },
  { code: 'VP_TU', name: 'Văn phòng Tỉnh ủy', aliases: [], kind: 'party' },
  { code: 'UBKT_TU', name: 'Ủy ban Kiểm tra Tỉnh ủy', aliases: [], kind: 'party' },
  { code: 'DU_UBND', name: 'Đảng ủy Ủy ban nhân dân tỉnh', aliases: ['Đảng ủy UBND tỉnh'], kind: 'party' },
  { code: 'DU_CQD', name: 'Đảng ủy các cơ quan Đảng tỉnh', aliases: [], kind: 'party' },
  { code: 'BCD_TW', name: 'Ban Chỉ đạo Trung ương', aliases: ['Ban Chỉ đạo TW'], kind: 'party' },
  {
    code: 'MTTQ_TINH',
    name: 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh',
    aliases: ['Ủy ban MTTQ Việt Nam tỉnh', 'Ủy ban MTTQ tỉnh'],
    kind: 'other',
  },

  { code: 'BAO_TN', name: 'Báo Thái Nguyên', aliases: [], kind: 'other' },
  {
    code: 'DAI_PTTH_TN',
    name: 'Đài Phát thanh - Truyền hình Thái Nguyên',
    aliases: ['Đài PT-TH Thái Nguyên', 'Đài PTTH Thái Nguyên'],
    kind: 'other',
  },
  { code: 'TTTT_TINH', name: 'Trung tâm Thông tin tỉnh', aliases: [], kind: 'other' },

  { code: 'VIETTEL_TN', name: 'Viettel Thái Nguyên', aliases: ['Chi nhánh Viettel Thái Nguyên', 'Viettel'], kind: 'enterprise' },
  { code: 'VNPT_TN', name: 'VNPT Thái Nguyên', aliases: ['Viễn thông Thái Nguyên', 'VNPT'], kind: 'enterprise' },
  { code: 'MOBIFONE_TN', name: 'MobiFone Thái Nguyên', aliases: ['MobiFone'], kind: 'enterprise' },

  // Collectives: documents address whole groups. The secretariat expands them into concrete units
  // before launch, which is why a collective lead leaves "rõ trách nhiệm" open.
  {
    code: 'CAC_CQ_DV_DP',
    name: 'Các cơ quan, đơn vị, địa phương',
    aliases: [
      'các sở, ban, ngành, địa phương',
      'các sở, ban, ngành, cơ quan, đơn vị, địa phương',
      'các cơ quan, ban, ngành, địa phương',
      'các sở, ngành, địa phương',
      'các sở, ban, ngành',
      'các sở, ban, ngành của tỉnh',
      'các cơ quan, đơn vị trên toàn tỉnh',
      'các cơ quan, đơn vị, địa phương trên địa bàn tỉnh',
    ],
    kind: 'other',
  },
  {
    code: 'CAC_CQ_DV_LQ',
    name: 'Các cơ quan, đơn vị liên quan',
    aliases: [
      'các cơ quan, đơn vị có liên quan',
      'các đơn vị có liên quan',
      'các đơn vị liên quan',
      'các sở, ngành liên quan',
      'các sở, ngành có liên quan',
      'các sở, ban, ngành liên quan',
      'các cơ quan liên quan',
      'các cơ quan có liên quan',
      'các sở, ngành, cơ quan, đơn vị, địa phương có liên quan',
    ],
    kind: 'other',
  },
  {
    code: 'TV_BCD',
    name: 'Các thành viên Ban Chỉ đạo',
    aliases: ['các đồng chí thành viên Ban Chỉ đạo', 'thành viên Ban Chỉ đạo'],
    kind: 'other',
  },
  { code: 'CQ_TMGV_TU', name: 'Các cơ quan tham mưu, giúp việc Tỉnh ủy', aliases: [], kind: 'party' },
  { code: 'DU_XA', name: 'Đảng ủy các xã, phường', aliases: [], kind: 'party' },
  // Since 01/07/2025 there is no district level: communes and wards took over the districts' work,
  // so a document that still names "UBND các huyện" is read as addressed to them.
  {
    code: 'UBND_XA',
    name: 'Ủy ban nhân dân các xã, phường',
    aliases: [
      'UBND các xã, phường',
      'UBND cấp xã',
      'Ủy ban nhân dân cấp xã',
      'UBND các huyện, thành phố',
      'UBND cấp huyện',
      'Ủy ban nhân dân các huyện, thành phố',
    ],
    kind: 'locality',
  },
  { code: 'DN_VT', name: 'Các doanh nghiệp viễn thông', aliases: ['doanh nghiệp viễn thông', 'các nhà mạng'], kind: 'enterprise' },
];

/** Codes of registry entries that stand for a group of units rather than one. */
export const collectiveUnitCodes: ReadonlySet<string> = new Set([
  'CAC_CQ_DV_DP',
  'CAC_CQ_DV_LQ',
  'TV_BCD',
  'CQ_TMGV_TU',
  'DU_XA',
  'UBND_XA',
  'DN_VT',
]);

/** Whether the unit is a group (all departments, related units, all communes) rather than one unit. */
export function isCollectiveUnit(unit: Unit): boolean {
  return collectiveUnitCodes.has(unit.code);
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    if (ch === 'đ' || ch === 'Đ') folded = 'd';
    else {
      const stripped = ch.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase();
      // Keep one output character per input character so offsets line up with the original.
      folded = stripped.length === 1 ? stripped : ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch;
    }
    foldCache.set(ch, folded);
  }
  return folded;
}

/**
 * Lower case without diacritics, one character out per UTF-16 unit in, so that a match in the
 * folded text points at the same span of the original. Expects NFC input.
 */
export function foldAligned(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += foldChar(text[i]);
  return out;
}

/** Lower case, Vietnamese diacritics stripped, đ -> d, whitespace collapsed: "Sở KH&CN " -> "so kh&cn". */
export function foldDiacritics(text: string): string {
  return foldAligned(text.normalize('NFC').replace(COMBINING_MARKS, '')).replace(/\s+/g, ' ').trim();
}

// OCR turns vowels with marks into digits and symbols ("s6" số, "S¢" Sở, "dbi" đổi, "ndm" năm),
// so in tolerant matching a vowel run of the expected word may be any of these.
export const OCR_VOWEL = '[aeiouy0-9db?|¢€@]';
const OCR_VOWEL_GLYPHS = '0-9db?|';

/**
 * A regular expression source that matches one folded word as OCR may have damaged it: vowels
 * become any vowel-like character, an initial đ may read as b or p, l may read as 1 or |, and a
 * final stop consonant may be lost ("truée" for "trước").
 */
export function looseWordSource(word: string): string {
  const folded = foldDiacritics(word);
  if (/^[0-9]+$/.test(folded) || !/[aeiouy]/.test(folded)) return escapeRegExp(folded);
  const runs = folded.match(/[aeiouy]+|[^aeiouy]+/g) ?? [];
  // Short words are where false friends live ("đến" and "dân", "quý" and "qua"): there each vowel
  // may only become a glyph OCR makes of it, not another vowel, and consonants stay as they are.
  const short = folded.length <= 3;
  let source = '';
  runs.forEach((run, index) => {
    if (/^[aeiouy]/.test(run)) {
      source += short ? [...run].map((v) => `[${v}${OCR_VOWEL_GLYPHS}]`).join('') : `${OCR_VOWEL}{1,${run.length + 1}}`;
      return;
    }
    let part = '';
    for (let i = 0; i < run.length; i++) {
      const ch = run[i];
      if (ch === 'd' && index === 0 && i === 0 && !short) part += '[dbp]';
      else if (ch === 'l') part += '[l1|i]';
      else part += escapeRegExp(ch);
    }
    if (!short && index > 0 && index === runs.length - 1 && /^(c|t|p|ch)$/.test(run)) part = `(?:${part}|${OCR_VOWEL})?`;
    source += part;
  });
  // A word that is all vowels ("ủy") loses its first letter to a stray glyph ("Tinh ty", "Tinh ay"
  // for "Tỉnh ủy") but keeps its last, which is what stops "tỉnh đã" from reading as "Tỉnh ủy".
  if (runs.length === 1) return `[a-z0-9|!?]{0,${folded.length}}${escapeRegExp(folded[folded.length - 1])}`;
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A word of a text: its folded, OCR-symbol-cleaned form and where it sits in the original. */
export interface Token {
  norm: string;
  start: number;
  end: number;
}

const OCR_SYMBOLS: Record<string, string> = { '¢': 'o', '€': 'e', '@': 'a', '©': 'o' };

/** The text folded for tolerant matching: same length as the input, OCR symbols read as letters. */
export function looseFold(text: string): string {
  return foldAligned(text).replace(/[¢€@©]/g, (ch) => OCR_SYMBOLS[ch]);
}

/** The words of a text with their offsets, for tolerant phrase and unit matching. */
export function tokenize(text: string): Token[] {
  const loose = looseFold(text);
  const tokens: Token[] = [];
  for (const m of loose.matchAll(/[a-z0-9]+(?:[?|][a-z0-9]+)*/g)) {
    tokens.push({ norm: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

const wordMatchers = new Map<string, RegExp>();

/** Whether a text token can be the given folded word, allowing for OCR damage. */
export function tokenMatches(word: string, token: string): boolean {
  if (word === token) return true;
  let matcher = wordMatchers.get(word);
  if (!matcher) {
    matcher = new RegExp(`^(?:${looseWordSource(word)})$`);
    wordMatchers.set(word, matcher);
  }
  return matcher.test(token);
}

/** A place in a text where a registry unit is named. Token indexes are half-open. */
export interface UnitMention {
  unit: Unit;
  start: number;
  end: number;
  firstToken: number;
  endToken: number;
}

interface AliasEntry {
  unit: Unit;
  words: string[];
}

const aliasIndex = new WeakMap<readonly Unit[], AliasEntry[]>();

function aliasesOf(registry: readonly Unit[]): AliasEntry[] {
  let entries = aliasIndex.get(registry);
  if (!entries) {
    entries = [];
    for (const unit of registry) {
      for (const alias of [unit.name, ...unit.aliases]) {
        const words = tokenize(alias.normalize('NFC')).map((t) => t.norm);
        if (words.length) entries.push({ unit, words });
      }
    }
    // Longest first: "Đảng ủy Ủy ban nhân dân tỉnh" must win over the "Ủy ban nhân dân tỉnh" inside it.
    entries.sort((a, b) => b.words.length - a.words.length);
    aliasIndex.set(registry, entries);
  }
  return entries;
}

/**
 * Every unit named in the text, left to right, longest name first where names overlap.
 * Tolerates missing diacritics and common OCR damage; punctuation between words is ignored.
 */
export function findUnitMentions(text: string, registry: readonly Unit[] = unitRegistry, tokens: Token[] = tokenize(text)): UnitMention[] {
  const entries = aliasesOf(registry);
  const mentions: UnitMention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const hit = entries.find((e) => e.words.length <= tokens.length - i && e.words.every((w, k) => tokenMatches(w, tokens[i + k].norm)));
    if (hit) {
      const endToken = i + hit.words.length;
      mentions.push({ unit: hit.unit, start: tokens[i].start, end: tokens[endToken - 1].end, firstToken: i, endToken });
      i = endToken;
    } else i++;
  }
  return mentions;
}

/** The registry unit a name refers to ("So Khoa hoc va Cong nghe" is Sở Khoa học và Công nghệ), or null. */
export function matchUnit(text: string, registry: readonly Unit[] = unitRegistry): Unit | null {
  const normalized = text.normalize('NFC');
  return findUnitMentions(normalized, registry)[0]?.unit ?? null;
}

/** The unit with this code, if the registry has it. */
export function unitByCode(code: string, registry: readonly Unit[] = unitRegistry): Unit | undefined {
  return registry.find((u) => u.code === code);
}

/** The unit with this canonical name, if the registry has it. */
export function unitByName(name: string, registry: readonly Unit[] = unitRegistry): Unit | undefined {
  return registry.find((u) => u.name === name);
}
