import { describe, expect, it } from 'vitest';
import { fieldLine, RowTokenizer, type RawRow } from './tokenizer.js';

/** Tokenizes `text` fed in pieces of `size` characters. */
function rows(
  text: string,
  size = text.length || 1,
  options: { maxRowChars?: number; newline?: '\n' | '\r' } = {},
) {
  const tokenizer = new RowTokenizer({
    delimiter: ',',
    newline: options.newline ?? '\n',
    maxRowChars: options.maxRowChars,
  });
  const out: RawRow[] = [];
  for (let i = 0; i < text.length; i += size) {
    out.push(...tokenizer.push(text.slice(i, i + size)));
  }
  out.push(...tokenizer.end());
  return { rows: out, lines: tokenizer.lines };
}

const brief = (r: RawRow) => ({ line: r.line, fields: r.fields, problem: r.problem });

describe(RowTokenizer.name, () => {
  it('numbers rows as an editor does, for CRLF, LF and mixed endings, with or without a final break', () => {
    for (const text of ['h1,h2\r\na,b\r\nc,d\r\n', 'h1,h2\na,b\nc,d', 'h1,h2\r\na,b\nc,d\r\n']) {
      const { rows: got } = rows(text);
      expect(got.map(brief)).toEqual([
        { line: 1, fields: ['h1', 'h2'], problem: null },
        { line: 2, fields: ['a', 'b'], problem: null },
        { line: 3, fields: ['c', 'd'], problem: null },
      ]);
    }
    expect(rows('h\r\na\nb\r\n').rows.map((r) => r.ending)).toEqual(['crlf', 'lf', 'crlf']);
  });

  it('reads RFC 4180 quoting: delimiters, doubled quotes and line breaks inside quotes', () => {
    const { rows: got } = rows('a,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\nlast,row\r\n');
    expect(got.map(brief)).toEqual([
      { line: 1, fields: ['a', 'b'], problem: null },
      { line: 2, fields: ['x, y', 'say "hi"'], problem: null },
      { line: 3, fields: ['two\r\nlines', 'z'], problem: null },
      { line: 5, fields: ['last', 'row'], problem: null },
    ]);
    const multi = got[2] as RawRow;
    expect(multi.endLine).toBe(4);
    expect(fieldLine(multi, 0)).toBe(3);
    expect(fieldLine(multi, 1)).toBe(4);
  });

  it('gives the same rows whatever the chunk size', () => {
    const text = 'a,b\r\n"x\r\ny",z\r\n\r\nq,"r,s"\r\nlast';
    const whole = rows(text).rows;
    for (const size of [1, 2, 3, 5, 7]) {
      expect(rows(text, size).rows).toEqual(whole);
    }
  });

  it('keeps blank lines as empty rows so line numbers stay right', () => {
    const { rows: got, lines } = rows('a\r\n\r\nb\r\n');
    expect(got.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a']],
      [2, ['']],
      [3, ['b']],
    ]);
    expect(lines).toBe(4);
  });

  it('reports a malformed quote on its line and reads on from the next line', () => {
    const { rows: got } = rows('h\r\n"abc"x,1\r\nfine,2\r\n"also"ok"\r\nafter,3\r\n');
    expect(got.map(brief)).toEqual([
      { line: 1, fields: ['h'], problem: null },
      { line: 2, fields: [], problem: 'quote_malformed' },
      { line: 3, fields: ['fine', '2'], problem: null },
      { line: 4, fields: [], problem: 'quote_malformed' },
      { line: 5, fields: ['after', '3'], problem: null },
    ]);
  });

  it('reports a quote never closed on its line instead of swallowing the rest of the file', () => {
    const { rows: got } = rows('h\r\n"open,1\r\nfine,2\r\nlast,3\r\n', 4);
    expect(got.map(brief)).toEqual([
      { line: 1, fields: ['h'], problem: null },
      { line: 2, fields: [], problem: 'quote_unterminated' },
      { line: 3, fields: ['fine', '2'], problem: null },
      { line: 4, fields: ['last', '3'], problem: null },
    ]);
  });

  it('gives up on a quoted field longer than any device row, in bounded memory', () => {
    const long = `h\n"open,1\n${'y,1\n'.repeat(60)}`;
    const { rows: got } = rows(long, 16, { maxRowChars: 64 });
    expect(got[1]).toMatchObject({ line: 2, problem: 'quote_unterminated' });
    expect(got.slice(2).every((r) => r.problem === null)).toBe(true);
    expect(got.at(-1)?.line).toBe(62);
  });

  it('refuses an over-long line without a break and resumes after it', () => {
    const { rows: got } = rows(`h\n${'z'.repeat(300)}\nok\n`, 10, { maxRowChars: 64 });
    expect(got.map(brief)).toEqual([
      { line: 1, fields: ['h'], problem: null },
      { line: 2, fields: [], problem: 'too_long' },
      { line: 3, fields: ['ok'], problem: null },
    ]);
  });

  it('reads old Mac files that end lines with CR only', () => {
    const { rows: got } = rows('a,b\rc,d\r', 3, { newline: '\r' });
    expect(got.map(brief)).toEqual([
      { line: 1, fields: ['a', 'b'], problem: null },
      { line: 2, fields: ['c', 'd'], problem: null },
    ]);
  });

  it('marks rows that contain quotes', () => {
    expect(rows('a,b\n"c",d\n').rows.map((r) => r.quoted)).toEqual([false, true]);
  });
});
