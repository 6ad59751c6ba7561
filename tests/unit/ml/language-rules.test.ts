import { describe, expect, it } from 'vitest';
import { detectLanguage, type Language, type LanguageResult } from '../../../src/ml/language.ts';

// Issue 18: every piece of evidence of the language rule, one row each, with the exact confidence
// the documented formula gives, so that a word or an ending lost from a list fails its row.
//
// One word alone (all letters Cyrillic, cyrShare 1; ruE = ru + 0.5 prior, kkE = kk):
//   confidence = max(0.5, max(ruE, kkE) / (ruE + kkE)) * (0.6 + 0.4 * min(1, (ru + kk) / 4))
//   a listed Kazakh word  (kk 2):    0.8 * 0.8 = 0.64       a listed Russian word (ru 2): 1 * 0.8 = 0.8
//   a Kazakh ending       (kk 0.75): 0.6 * 0.675 = 0.405    a Russian ending (ru 0.75):   1 * 0.675 = 0.675
//   a letter щ ъ э ё ь    (ru 0.5):  1 * 0.65 = 0.65        no evidence:                  1 * 0.6 = 0.6
const alone = (word: string): [Language, number] => {
  const r = detectLanguage(word);
  return [r.language, Number(r.confidence.toFixed(6))];
};

// The Kazakh words of the list that have no Kazakh-only letter (those with one are decided by the letter).
const KAZAKH_PLAIN = [
  'мен', 'бен', 'пен', 'бойынша', 'емес', 'керек', 'бар', 'рахмет', 'осы', 'сол', 'олар', 'неге', 'туралы', 'немесе', 'ма', 'ме',
  'ба', 'бе', 'пе', 'кеше', 'болды', 'болмады', 'болады', 'болмайды', 'болып', 'жатыр', 'ашылмайды', 'алмаймын', 'алмай', 'алмайды',
  'мекенжай', 'пошта', 'поштасы', 'тез', 'арада', 'орнату', 'тексеру', 'онда', 'жасау', 'ауыстыру',
];
const RUSSIAN = [
  'и', 'в', 'во', 'не', 'на', 'что', 'с', 'со', 'по', 'я', 'у', 'к', 'ко', 'о', 'об', 'от', 'из', 'за', 'для', 'как', 'это', 'этот',
  'эта', 'эти', 'при', 'или', 'все', 'всех', 'всем', 'нет', 'но', 'а', 'же', 'бы', 'ли', 'уже', 'еще', 'так', 'только', 'мне', 'меня',
  'мой', 'моя', 'мое', 'мои', 'нас', 'нам', 'наш', 'наша', 'вас', 'вам', 'ваш', 'он', 'она', 'они', 'его', 'ее', 'их', 'кто', 'где',
  'когда', 'почему', 'можно', 'нужно', 'надо', 'пожалуйста', 'здравствуйте', 'добрый', 'день', 'спасибо', 'помогите', 'работает',
  'работают', 'сломался', 'сломалась', 'перестал', 'перестала', 'зайти', 'войти', 'доступ', 'доступа', 'прошу', 'просьба', 'после',
  'до', 'под', 'над', 'без', 'через', 'также', 'тоже', 'очень', 'сейчас', 'сегодня', 'вчера', 'завтра', 'компьютера', 'принтера',
  'почта', 'почты', 'сети', 'ошибка', 'ошибку', 'ошибки', 'выдает', 'пишет', 'есть', 'был', 'была', 'было', 'будет', 'может', 'могу',
  'то', 'если', 'чтобы', 'который', 'которая', 'которые', 'да', 'нету', 'нужен', 'нужна', 'новый', 'новая', 'срочно',
];
// [ending, a word that ends in it and in no other listed ending]
const KAZAKH_ENDINGS: [string, string][] = [
  ['йды', 'келейды'], ['мыз', 'барамыз'], ['сыз', 'керексыз'], ['быз', 'жазбыз'], ['пыз', 'кетпыз'], ['лар', 'принтерлар'],
  ['лер', 'мониторлер'], ['ге', 'серверге'], ['ден', 'серверден'], ['нан', 'телефоннан'], ['нен', 'модемнен'], ['тен', 'интернеттен'],
  ['ныз', 'паролиныз'], ['ады', 'жазады'], ['еды', 'береды'], ['ылды', 'ашылды'],
];
const RUSSIAN_ENDINGS: [string, string][] = [
  ['тся', 'берутся'], ['ает', 'печатает'], ['яет', 'теряет'], ['ует', 'требует'], ['ого', 'нового'], ['его', 'синего'], ['ому', 'новому'],
  ['ему', 'синему'], ['ый', 'красный'], ['ий', 'синий'], ['ой', 'голубой'], ['ая', 'красная'], ['яя', 'синяя'], ['ое', 'красное'],
  ['ее', 'синее'], ['ые', 'красные'], ['ие', 'синие'], ['ых', 'красных'], ['их', 'синих'], ['ами', 'папками'], ['ями', 'полями'],
  ['ения', 'решения'], ['ания', 'задания'], ['ал', 'сломал'], ['ала', 'сломала'], ['ало', 'пропало'], ['али', 'пропали'],
  ['ил', 'включил'], ['ила', 'включила'], ['или', 'включили'],
];

describe('detectLanguage: one piece of evidence at a time', () => {
  it.each(KAZAKH_PLAIN)('the Kazakh word "%s" alone is Kazakh (0.64)', (word) => {
    expect(alone(word)).toEqual(['kk', 0.64]);
  });
  it.each(RUSSIAN)('the Russian word "%s" alone is Russian (0.8)', (word) => {
    expect(alone(word)).toEqual(['ru', 0.8]);
  });
  it.each(KAZAKH_ENDINGS)('the Kazakh ending -%s: "%s" is Kazakh (0.405)', (_ending, word) => {
    expect(alone(word)).toEqual(['kk', 0.405]);
  });
  it.each(RUSSIAN_ENDINGS)('the Russian ending -%s: "%s" is Russian (0.675)', (_ending, word) => {
    expect(alone(word)).toEqual(['ru', 0.675]);
  });
  it.each([
    ['контроллер', 'ends like -лер'],
    ['доллар', 'ends like -лар'],
  ])('the Russian word "%s" (%s) is not taken for a Kazakh form (0.6)', (word) => {
    expect(alone(word)).toEqual(['ru', 0.6]);
  });
  it.each([
    ['ашады', ['kk', 0.405]],
    ['сады', ['ru', 0.6]], // four letters: endings are not looked at
    ['синяя', ['ru', 0.675]],
    ['моя', ['ru', 0.8]],
    ['принтер', ['ru', 0.6]],
    ['щ', ['ru', 0.65]],
    ['ъъ', ['ru', 0.65]],
    ['эхо', ['ru', 0.65]],
    ['ёж', ['ru', 0.65]],
    ['конь', ['ru', 0.65]],
  ] as [string, [Language, number]][])('"%s" -> %j', (word, result) => {
    expect(alone(word)).toEqual(result);
  });
  it.each(['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ә', 'Қ', 'бiлмеймiн'])('a word with the Kazakh letter in "%s" is Kazakh (kk 2: 0.64)', (word) => {
    expect(alone(word)).toEqual(['kk', 0.64]);
  });
});

const close = (r: LanguageResult): LanguageResult => ({
  language: r.language,
  confidence: Number(r.confidence.toFixed(6)),
  scores: { ru: Number(r.scores.ru.toFixed(6)), kk: Number(r.scores.kk.toFixed(6)), en: Number(r.scores.en.toFixed(6)) },
});

describe('detectLanguage: scripts, mixed words and the scores', () => {
  // [text, language, confidence, ru, kk, en], worked out from the rule in src/ml/language.ts.
  const cases: [string, Language, number, number, number, number][] = [
    // Latin only: en 1
    ['printer', 'en', 1, 0, 0, 1],
    ['Café olé', 'en', 1, 0, 0, 1],
    // 10 Latin + 4 Cyrillic letters, "нету" (ru 2): cyrShare 4/14 < 0.35 -> en 10/14, Cyrillic share all ru
    ['Printerabc нету', 'en', 0.714286, 0.285714, 0, 0.714286],
    // 5 Latin + 4 Cyrillic "олар" (kk 2): en 5/9, kk 4/9? no: cyrShare 4/9 >= 0.35 -> Cyrillic; ruE 0.5, kkE 2, total 2.5
    //   kk = 4/9 * 2/2.5, ru = 4/9 * 0.5/2.5, en = 5/9; confidence 0.8 * 0.8 * max(4/9, 0.5)
    ['Email олар', 'kk', 0.32, 0.088889, 0.355556, 0.555556],
    // 15 Latin + 5 Cyrillic letters without evidence: en 0.75, the Cyrillic share goes to ru
    ['Outlook Teams abc принт', 'en', 0.75, 0.25, 0, 0.75],
    // 4 Latin + 2 Cyrillic ("ма", kk 2): cyrShare 1/3 < 0.35 -> en, the Cyrillic third all kk
    ['Word ма', 'en', 0.666667, 0, 0.333333, 0.666667],
    // exactly 35 % Cyrillic is Cyrillic: 13 Latin + 7 Cyrillic ("принтер", no evidence)
    ['abcdefghijklm принтер', 'ru', 0.3, 0.35, 0, 0.65],
    // a hyphen inside a Cyrillic word keeps it one word: "кто-то" is no listed word (0.6), where
    // "кто" and "то" would be two (ru 4: 1)
    ['кто-то', 'ru', 0.6, 1, 0, 0],
    // a hyphen before a Latin letter ends the word: "кто" (ru 2) and a Latin "a": 0.8 * 0.75
    ['кто-a', 'ru', 0.6, 0.75, 0, 0.25],
    // a Latin i inside a Cyrillic word is the Kazakh і; other look-alikes count as Cyrillic
    ['бiз', 'kk', 0.64, 0.2, 0.8, 0],
    ['пapoль', 'ru', 0.65, 1, 0, 0],
    // more Latin than Cyrillic letters in a word: a Latin word
    ['iiiб', 'en', 0.75, 0.25, 0, 0.75],
    // Kazakh and Russian evidence together: ru 2 + 2, kk 2 -> ruE 4.5, kkE 2
    ['и не жоқ', 'ru', 0.692308, 0.692308, 0.307692, 0],
    // a Latin text with Cyrillic words of both languages: the Cyrillic share 4/24 split by the evidence (ru 2, kk 2)
    ['abcdefghijklmnopqrst и жоқ', 'en', 0.833333, 0.083333, 0.083333, 0.833333],
    // a tie between ru (0.75 + 0.75 + the 0.5 prior = 2) and kk (2) is Russian: 0.5 * (0.6 + 0.4 * 0.875)
    ['красный синий ма', 'ru', 0.475, 0.5, 0.5, 0],
    // strong evidence caps the strength at 1: ru 8 (four words) -> 1 * 1 * 1
    ['и в не на', 'ru', 1, 1, 0, 0],
    // a Kazakh ending (kk 0.75) against a Russian word (ru 2): ruE 2.5 of 3.25; strength 2.75 / 4
    ['жазады мне', 'ru', 0.673077, 0.769231, 0.230769, 0],
  ];
  it.each(cases)('%j -> %s', (text, language, confidence, ru, kk, en) => {
    expect(close(detectLanguage(text))).toEqual({ language, confidence, scores: { ru, kk, en } });
  });

  it('reads at most the first 1200 characters', () => {
    const english = 'a'.repeat(1200);
    expect(detectLanguage(`${english} принтер не работает`).language).toBe('en');
    expect(detectLanguage(`${'a'.repeat(1198)} и`).scores.en).toBeLessThan(1);
    expect(detectLanguage(`${'a'.repeat(1199)} и`).scores.en).toBe(1);
  });

  it.each([
    ['zzz', 'en', 1],
    ['àà', 'en', 1], // U+00E0, the first Latin letter beyond ASCII
    ['éé', 'en', 1],
    ['ɏɏ', 'en', 1], // U+024F, the last one counted
    ['ӿ', 'ru', 0.6], // U+04FF, the last Cyrillic one
    ['中文 日本語', 'en', 0], // letters of no script counted: undetermined
    ['ḁḁ', 'en', 0], // U+1E01, beyond the Latin ranges counted
  ] as [string, Language, number][])('the script ranges: %j -> %s %s', (text, language, confidence) => {
    expect(alone(text)).toEqual([language, confidence]);
  });

  it('the fallback is returned only for texts without letters', () => {
    expect(detectLanguage('123 !!!', { fallback: 'kk' })).toEqual({ language: 'kk', confidence: 0, scores: { ru: 0, kk: 0, en: 0 } });
    expect(detectLanguage('', { fallback: 'ru' })).toEqual({ language: 'ru', confidence: 0, scores: { ru: 0, kk: 0, en: 0 } });
    expect(detectLanguage('printer', { fallback: 'kk' }).language).toBe('en');
    expect(detectLanguage('÷×')).toEqual({ language: 'en', confidence: 0, scores: { ru: 0, kk: 0, en: 0 } });
  });
});
