import { describe, expect, it } from 'vitest';
import { countFeatures, DEFAULT_VECTORIZER_CONFIG } from '../../../src/ml/features.ts';
import { stemOf, stripKazakh } from '../../../src/ml/stem.ts';

describe('stems of Russian and Kazakh words', () => {
  it.each([
    // Russian (Snowball): the forms of one word share a stem
    [['принтер', 'принтера', 'принтеру', 'принтеров', 'принтером'], 'принтер'],
    [['пароль', 'пароля', 'паролем', 'пароли'], 'парол'],
    [['печатает', 'печатать'], 'печата'],
    // Kazakh (endings taken off, up to three): plural, possessive and case
    [['құпиясөз', 'құпиясөзді', 'құпиясөзім', 'құпиясөзімді'], 'құпиясөз'],
    // (a Kazakh form without a letter only Kazakh has, "компьютерлер", is taken for Russian)
    [['компьютерлерді', 'компьютерлеріміздің', 'компьютерді'], 'компьютер'],
    [['қосылмайды'], 'қосылма'],
    [['принтерлерді', 'принтерлеріңіз'], 'принтер'],
  ] as const)('%j -> %s', (words, stem) => {
    for (const word of words) expect(stemOf(word), word).toBe(stem);
  });

  it('leaves Latin words, short words and stems too short to cut alone', () => {
    expect(stemOf('printer')).toBeNull();
    expect(stemOf('vpn')).toBeNull();
    expect(stemOf('сеть')).toBe('сет');
    expect(stemOf('жоқ')).toBeNull();
    // never cut below three letters
    expect(stripKazakh('қала')).toBe('қала');
    expect(stripKazakh('үйлер')).toBe('үйлер');
  });

  it('adds one word feature per Cyrillic word when on, none when off (models trained before)', () => {
    const on = countFeatures('принтера не печатает', { ...DEFAULT_VECTORIZER_CONFIG, stems: true });
    const off = countFeatures('принтера не печатает', { ...DEFAULT_VECTORIZER_CONFIG, stems: false });
    const words = (c: typeof on) => c.wordCnt.reduce((a, b) => a + b, 0);
    // 3 words and 2 bigrams, plus the stems of "принтера" and "печатает" ("не" is too short)
    expect(words(off)).toBe(5);
    expect(words(on)).toBe(7);
    expect([...on.charCnt]).toEqual(expect.arrayContaining([...off.charCnt].filter((c) => c > 0)));
    const { stems: _stems, ...legacy } = DEFAULT_VECTORIZER_CONFIG;
    expect(words(countFeatures('принтера не печатает', legacy))).toBe(5);
  });
});
