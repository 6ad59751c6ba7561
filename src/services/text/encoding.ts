import { InputError } from '../../errors.ts';

// One decoder, one rule, for every file helpdesk reads (ticket imports, reference imports,
// configuration): UTF-8, strictly. Invalid bytes are an error, never a silent U+FFFD. And the
// likely wrong-encoding cases (cp1251 read as UTF-8, UTF-8 read as cp1251, text that already went
// through that mistake once) are recognised so that the error or a warning can say so.

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const cp1251 = new TextDecoder('windows-1251');

/** Strict UTF-8: the text, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // toString replaces bad sequences with U+FFFD; only then is the strict (slower) check needed,
  // since a real U+FFFD in the file is valid UTF-8.
  if (text.includes('\ufffd')) {
    try {
      fatalUtf8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  return text;
}

export function decodeCp1251(bytes: Uint8Array): string {
  return cp1251.decode(bytes);
}

/** Where the first invalid UTF-8 sequence is: its 1-based line and the offending byte. */
function firstInvalid(bytes: Uint8Array): { line: number; byte: number } {
  let line = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) line++;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { line, byte: b };
    if (need > 0) {
      const chunk = bytes.subarray(i, i + need + 1);
      if (chunk.length < need + 1) return { line, byte: b };
      try {
        fatalUtf8.decode(chunk);
      } catch {
        return { line, byte: b };
      }
    }
    i += need + 1;
  }
  return { line, byte: 0 };
}

/**
 * A whole (small) file, strictly: a UTF-8 byte order mark is dropped; invalid UTF-8 is an input
 * error naming the file, the line and the byte, and saying when the file looks like cp1251.
 */
export function decodeTextFile(name: string, bytes: Uint8Array): string {
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const text = decodeUtf8(body);
  if (text !== undefined) return text;
  const { line, byte } = firstInvalid(body);
  const hint = looksLikeCp1251(body) ? ' (the file looks like cp1251 text: save it as UTF-8)' : '';
  throw new InputError(`${name}: line ${line}: invalid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')})${hint}`);
}

const CYRILLIC = /[\u0400-\u04ff]/g;
const LATIN_OR_CYRILLIC = /[A-Za-z\u0400-\u04ff]/g;

/** Bytes that are not UTF-8 but read as cp1251 are mostly Cyrillic letters. */
function looksLikeCp1251(bytes: Uint8Array): boolean {
  const text = cp1251.decode(bytes.subarray(0, 64 * 1024));
  const letters = text.match(LATIN_OR_CYRILLIC)?.length ?? 0;
  const cyrillic = text.match(CYRILLIC)?.length ?? 0;
  return cyrillic >= 3 && cyrillic >= letters * 0.2;
}

/**
 * Cyrillic UTF-8 read as cp1251 comes out as "Р" or "С" followed by a character that cp1251
 * has in 0x80-0xBF: "Привет" becomes "РџСЂРёРІРµС‚". Ordinary Russian or Kazakh text has
 * such pairs rarely ("Сё", "Р»" almost never), so a few of them in a row are a reliable sign.
 */
const MOJIBAKE_PAIR = /[РС][\u0402\u0403\u201a\u0453\u201e\u2026\u2020\u2021\u20ac\u2030\u0409\u2039\u040a\u040c\u040b\u040f\u0452\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u2122\u0459\u203a\u045a\u045c\u045b\u045f\u00a0\u040e\u045e\u0408\u00a4\u0490\u00a6\u00a7\u0401\u00a9\u0404\u00ab\u00ac\u00ad\u00ae\u0407\u00b0\u00b1\u0406\u0456\u0491\u00b5\u00b6\u00b7\u0451\u2116\u0454\u00bb\u0458\u0405\u0455\u0457]/g;

/** The first line of `text` whose words look like UTF-8 that was read as cp1251, or undefined. */
export function mojibakeLine(text: string): { line: number; sample: string } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const found = lines[i]!.match(MOJIBAKE_PAIR);
    if (found && found.length >= 3) {
      const at = lines[i]!.search(MOJIBAKE_PAIR);
      return { line: i + 1, sample: lines[i]!.slice(at, at + 24) };
    }
  }
  return undefined;
}

/**
 * A warning when the start of a file (at most its first block, after any byte order mark) looks
 * like the wrong encoding for how it is read; undefined when it looks right.
 */
export function encodingWarning(head: Uint8Array, encoding: 'utf-8' | 'cp1251'): string | undefined {
  const sample = head.subarray(0, 256 * 1024);
  if (encoding === 'cp1251') {
    // Valid UTF-8 with Cyrillic two-byte sequences (0xD0/0xD1 lead bytes): a UTF-8 file.
    const text = decodeUtf8(trimPartial(sample));
    if (text !== undefined && (text.match(CYRILLIC)?.length ?? 0) >= 3) return 'this looks like UTF-8 text, not cp1251: the Cyrillic will come out garbled (leave out --encoding cp1251)';
    return undefined;
  }
  const text = decodeUtf8(trimPartial(sample));
  if (text === undefined) return looksLikeCp1251(sample) ? 'this is not valid UTF-8 and looks like cp1251 text: use --encoding cp1251' : undefined;
  const bad = mojibakeLine(text);
  if (bad) return `line ${bad.line} looks like UTF-8 text that was once read as cp1251 ("${bad.sample}"): the file holds garbled Cyrillic; fix its encoding at the source`;
  return undefined;
}

/** A block cut from a stream may end inside a UTF-8 sequence: leave that sequence out. */
function trimPartial(bytes: Uint8Array): Uint8Array {
  for (let k = 1; k <= Math.min(4, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? bytes.subarray(0, bytes.length - k) : bytes;
  }
  return bytes;
}
