import { describe, expect, it } from 'vitest';
import { csvRecords, decodeField, detectDelimiter, jsonlLines } from '../../src/services/import/input.ts';
import { parseTimestamp } from '../../src/services/import/rows.ts';
import { contentHash, deriveSubject, normaliseText } from '../../src/services/tickets/text.ts';

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parse(text: string | Buffer, size: number, delimiter = 0x2c) {
  const out: { line: number; fields: string[]; error?: string }[] = [];
  for await (const batch of csvRecords(pieces(Buffer.from(text), size), delimiter)) {
    for (const r of batch) out.push({ line: r.line, fields: r.fields.map((f) => f.toString('utf8')), ...(r.error ? { error: r.error } : {}) });
  }
  return out;
}

describe('csvRecords', () => {
  const text = 'a,b,c\r\n1,"two, ""quoted""\nand a new line",3\n\n"x",,\n4,"ж",ә\n"last","no newline"';
  const expected = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['1', 'two, "quoted"\nand a new line', '3'] },
    { line: 5, fields: ['x', '', ''] },
    { line: 6, fields: ['4', 'ж', 'ә'] },
    { line: 7, fields: ['last', 'no newline'] },
  ];

  it('gives the same records and line numbers whatever the chunk boundaries', async () => {
    for (const size of [1, 2, 3, 5, 7, 11, 64, 10_000]) expect(await parse(text, size), `chunks of ${size}`).toEqual(expected);
  });

  it('reports an unterminated quote and text after a closing quote', async () => {
    expect(await parse('a,b\n"x"y,2\n3,"open\n', 4)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x', '2'], error: 'unexpected text after a closing quote' },
      { line: 3, fields: ['3', 'open\n'], error: 'unterminated quoted field' },
    ]);
  });

  it('detects the delimiter from the header line', () => {
    expect(detectDelimiter(Buffer.from('a;b;"c,d"\n1,2,3,4,5'), 0)).toBe(0x3b);
    expect(detectDelimiter(Buffer.from('a\tb\tc\n'), 0)).toBe(0x09);
    expect(detectDelimiter(Buffer.from('single\n'), 0)).toBe(0x2c);
  });
});

describe('jsonlLines', () => {
  it('splits lines across chunks and skips blank ones, keeping line numbers', async () => {
    const out: [number, string][] = [];
    for await (const batch of jsonlLines(pieces(Buffer.from('{"a":1}\r\n\n  \n{"b":"ж"}\n{"c":3}'), 3))) for (const l of batch) out.push([l.line, l.bytes.toString()]);
    expect(out).toEqual([[1, '{"a":1}'], [4, '{"b":"ж"}'], [5, '{"c":3}']]);
  });
});

describe('decodeField', () => {
  it('tells invalid UTF-8 from a real replacement character; decodes cp1251', () => {
    expect(decodeField(Buffer.from([0xd0, 0x9f, 0xff]), 'utf-8')).toBeUndefined();
    expect(decodeField(Buffer.from('a\ufffdb'), 'utf-8')).toBe('a\ufffdb');
    expect(decodeField(Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), 'cp1251')).toBe('Привет');
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00Z'],
    ['2024-03-01 09:30', '2024-03-01T09:30:00Z'],
    ['2024-03-01T09:30:15.250+05:00', '2024-03-01T09:30:15.250+05:00'],
    ['2024-03-01T09:30:15+0500', '2024-03-01T09:30:15+05:00'],
    ['01.03.2024 10:00', '2024-03-01T10:00:00Z'],
    ['2024-02-30', undefined],
    ['2024-13-45', undefined],
    ['yesterday', undefined],
    ['1700000000', undefined],
  ])('%s', (input, output) => {
    expect(parseTimestamp(input)).toBe(output);
  });
});

describe('ticket text', () => {
  it('content hash ignores case and whitespace; a subject is derived from the first line, cut at a word', () => {
    expect(contentHash('Printer', 'Paper  jam\n')).toBe(contentHash('printer ', 'paper jam'));
    expect(contentHash('Printer', 'Paper jam')).not.toBe(contentHash('Printer', 'Paper jams'));
    expect(deriveSubject('\n  Outlook   crashes\nsecond line')).toBe('Outlook crashes');
    const long = deriveSubject('word '.repeat(60));
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('normaliseText', () => {
  const reference = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim().normalize('NFC');
  it('equals lower case + whitespace folding + NFC, also where it skips NFC (Latin and Cyrillic letters)', () => {
    const texts = [
      'Принтер  НЕ работает', 'Құпиясөз ұмытылды, көмектесіңіз', 'Ёлка и йод', 'Café résumé ÆØÅ',
      // Decomposed letters and combining marks: here NFC does change the text.
      'и\u0306 (й decomposed)', 'е\u0308 (ё decomposed)', 'cafe\u0301', 'İstanbul', 'а\u0483б', 'A\u030A', '한국어 ᄒ\u1161',
    ];
    for (const text of texts) expect(normaliseText(text)).toBe(reference(text));
    expect(normaliseText('и\u0306')).toBe('й');
    expect(contentHash('Йод', 'x')).toBe(contentHash('И\u0306од', 'x'));
  });
  it('agrees with the reference on random mixes of Latin, Cyrillic and combining characters and whitespace', () => {
    const alphabet = [...'abzÀÿĀž ЀАяӘөҚі\u0483\u0300\u0301\u0306\u0308\u1161ᄒ\n\t   \u00a0\u2003\r'];
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(normaliseText(text)).toBe(reference(text));
    }
  });
});
