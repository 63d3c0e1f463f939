import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition } from '../../api/evidence-content';

const INVISIBLE = [
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u0085',
  '\u009b',
];

describe('evidence file names', () => {
  it('drops bidi controls, zero-width characters and C1 controls from the stored name and from filename*', () => {
    for (const c of INVISIBLE) {
      const name = cleanFileName(`bien-ban${c}fdp.pdf`);
      expect(name, escape(c)).toBe('bien-banfdp.pdf');
      expect(contentDisposition(`bien-ban${c}fdp.pdf`), escape(c)).toContain(`filename*=UTF-8''bien-banfdp.pdf`);
    }
    expect(cleanFileName('Biên bản nghiệm thu.pdf')).toBe('Biên bản nghiệm thu.pdf');
  });

  it('cuts a long name on code points, never inside a surrogate pair', () => {
    const name = cleanFileName(`${'a'.repeat(254)}😀😀.pdf`);
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toBe('a'.repeat(254));
    expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)).toBe(false);
    expect(cleanFileName(`${'a'.repeat(253)}😀😀.pdf`)).toBe(`${'a'.repeat(253)}😀`);
  });
});
