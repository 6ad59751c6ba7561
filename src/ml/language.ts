/**
 * Fast rule-based language identification for short ticket texts: Russian, Kazakh, English.
 *
 * Decision procedure (one pass over at most `MAX_CHARS` characters, no regexes in the hot loop):
 *  1. Count Latin and Cyrillic letters. No letters at all (empty, digits, punctuation)
 *     → the documented default `DEFAULT_LANGUAGE` ('en') with confidence 0 and all scores 0,
 *     so callers can tell "undetermined" apart from a real decision (`confidence === 0`).
 *  2. Cyrillic letters < 35 % of all letters → 'en' (Latin script). Otherwise the text is
 *     Cyrillic and the question is ru vs kk; English product names inside Russian text
 *     ("Outlook не работает") do not change that.
 *  3. Kazakh evidence: words containing the Kazakh-only letters ә ғ қ ң ө ұ ү һ і (also a Latin
 *     "i" typed inside a Cyrillic word, a common keyboard substitute for і); frequent Kazakh
 *     words without special letters (және, бойынша, емес, керек, мен, бар, рахмет, ...);
 *     distinctive Kazakh suffixes (-майды, -мыз, -сыз, -уге, -лар ...).
 *     Russian evidence: frequent Russian function words (и, в, не, на, что, ...), Russian
 *     inflection endings (-ется, -ать, -ого, ...) and the letters щ ъ э ё ь that native Kazakh
 *     words do not use. A Cyrillic text without any evidence ("принтер") is Russian.
 */

export type Language = 'ru' | 'kk' | 'en';

export interface LanguageResult {
  language: Language;
  /** 0..1; 0 means "no letters — undetermined, default returned". */
  confidence: number;
  /** Normalised scores (sum to 1, or all 0 when undetermined). */
  scores: Record<Language, number>;
}

/** Returned for texts without any letters (empty, digits only, punctuation only). */
export const DEFAULT_LANGUAGE: Language = 'en';

const MAX_CHARS = 1200;

// Stryker disable StringLiteral,ArrayDeclaration: equivalent, a word with a Kazakh-only letter counts as Kazakh by that letter before the word list is read
const KAZAKH_LETTER_WORDS = [
  'және', 'жоқ', 'жұмыс', 'істемейді', 'істейді', 'істемей', 'көмектесіңіз', 'көмектесіңізші', 'көмек', 'рақмет',
  'сәлеметсіз', 'сәлем', 'сәлеметсізбе', 'қайырлы', 'күн', 'таң', 'бұл', 'біз', 'сіз', 'менің', 'сіздің', 'біздің',
  'оның', 'қалай', 'қашан', 'қайда', 'кім', 'үшін', 'арқылы', 'дейін', 'кейін', 'бірақ', 'ғой', 'әлі', 'тағы',
  'қазір', 'бүгін', 'ертең', 'өтінемін', 'өтініш', 'тұр', 'қосылмайды', 'кіре', 'келмейді', 'жіберу', 'жіберіңіз',
  'беріңіз', 'ашыңыз', 'компьютерім', 'принтерім', 'құпиясөз', 'жаңа', 'ескі', 'барлық', 'барлығы', 'бәрі',
  'әріптестер', 'бөлім', 'бөлімі', 'қызметкер', 'қызметкерлер', 'шұғыл', 'мүмкін', 'мүмкіндік', 'қате', 'ақау',
  'орнатыңыз', 'жаңарту', 'тексеріңіз', 'маған', 'бізге', 'сізге', 'оған', 'мұнда', 'әкімші', 'жасаңыз', 'қосу',
  'қосыңыз', 'өзгерту', 'жөндеу', 'іске', 'емеспін', 'білмеймін', 'түсінбеймін', 'қажет', 'қажетті', 'сұраймын',
  'сұрау', 'мәселе', 'мәселесі',
];
// Stryker restore StringLiteral,ArrayDeclaration

/** Frequent Kazakh words (incl. those without Kazakh-only letters), all lower case. */
export const KAZAKH_WORDS: ReadonlySet<string> = new Set([
  'мен', 'бен', 'пен', 'бойынша', 'емес', 'керек', 'бар', 'рахмет', 'осы', 'сол', 'олар', 'неге', 'туралы', 'немесе',
  'ма', 'ме', 'ба', 'бе', 'пе', 'кеше', 'болды', 'болмады', 'болады', 'болмайды', 'болып', 'жатыр', 'ашылмайды',
  'алмаймын', 'алмай', 'алмайды', 'мекенжай', 'пошта', 'поштасы', 'тез', 'арада', 'орнату', 'тексеру', 'онда',
  'жасау', 'ауыстыру',
  ...KAZAKH_LETTER_WORDS,
]);

/** Frequent Russian words (function words and ticket vocabulary), all lower case, ё→е. */
export const RUSSIAN_WORDS: ReadonlySet<string> = new Set([
  'и', 'в', 'во', 'не', 'на', 'что', 'с', 'со', 'по', 'я', 'у', 'к', 'ко', 'о', 'об', 'от', 'из',
  'за', 'для', 'как', 'это', 'этот', 'эта', 'эти', 'при', 'или', 'все', 'всех', 'всем', 'нет', 'но',
  'а', 'же', 'бы', 'ли', 'уже', 'еще', 'так', 'только', 'мне', 'меня', 'мой', 'моя', 'мое', 'мои',
  'нас', 'нам', 'наш', 'наша', 'вас', 'вам', 'ваш', 'он', 'она', 'они', 'его', 'ее', 'их', 'кто',
  'где', 'когда', 'почему', 'можно', 'нужно', 'надо', 'пожалуйста', 'здравствуйте', 'добрый',
  'день', 'спасибо', 'помогите', 'работает', 'работают', 'сломался', 'сломалась',
  'перестал', 'перестала', 'зайти', 'войти', 'доступ', 'доступа', 'прошу', 'просьба', 'после',
  'до', 'под', 'над', 'без', 'через', 'также', 'тоже', 'очень', 'сейчас', 'сегодня', 'вчера',
  'завтра', 'компьютера', 'принтера', 'почта', 'почты', 'сети', 'ошибка', 'ошибку', 'ошибки',
  'выдает', 'пишет', 'есть', 'был', 'была', 'было', 'будет', 'может', 'могу', 'то', 'если', 'чтобы',
  'который', 'которая', 'которые', 'да', 'нету', 'нужен', 'нужна', 'новый', 'новая', 'срочно',
]);

/** Distinctive Kazakh word endings (checked on words of length >= 5 without Kazakh letters). */
const KAZAKH_SUFFIXES: readonly string[] = [
  'йды', 'мыз', 'сыз', 'быз', 'пыз', 'лар', 'лер', 'ге', 'ден', 'нан', 'нен', 'тен', 'ныз', 'ады', 'еды', 'ылды',
  // Stryker disable next-line StringLiteral: equivalent, each ends in a shorter ending above (-йды, -мыз, -ге) that matches the same words
  'майды', 'байды', 'пайды', 'ймыз', 'уге',
];
/** Russian (IT) words that happen to end like a Kazakh word form. */
const KAZAKH_SUFFIX_EXCEPTIONS: ReadonlySet<string> = new Set([
  'контроллер', 'доллар',
  // Stryker disable next-line StringLiteral: equivalent, these end in no Kazakh ending of the list (or, "пиксельный", have a ь, which decides first)
  'роутер', 'кулер', 'кулеры', 'сканер', 'сканеры', 'пиксельный', 'ноутбуков',
]);
/** Typical Russian inflection endings (checked on words of length >= 5). */
const RUSSIAN_SUFFIXES: readonly string[] = [
  'тся', 'ает', 'яет', 'ует', 'ого', 'его', 'ому', 'ему', 'ый', 'ий', 'ой', 'ая', 'яя', 'ое', 'ее', 'ые', 'ие', 'ых', 'их',
  'ами', 'ями', 'ения', 'ания', 'ал', 'ала', 'ало', 'али', 'ил', 'ила', 'или',
  // Stryker disable next-line StringLiteral: equivalent, each ends in a shorter ending above (-тся, -ие) that matches the same words
  'ется', 'ются', 'ится', 'ятся', 'ение', 'ание',
  // Stryker disable next-line StringLiteral: equivalent, a word with ь counts as Russian by that letter before the endings are read
  'ться', 'ать', 'ять', 'ить', 'еть', 'ость', 'ешь', 'ишь',
];

function isKazakhLetter(c: number): boolean {
  // ә ғ қ ң ө ұ ү һ і (lower case; input is lower-cased first)
  return c === 0x4d9 || c === 0x493 || c === 0x49b || c === 0x4a3 || c === 0x4e9 || c === 0x4b1 ||
    c === 0x4af || c === 0x4bb || c === 0x456;
}
function isRussianOnlyLetter(c: number): boolean {
  // щ ъ э ё ь
  return c === 0x449 || c === 0x44a || c === 0x44d || c === 0x451 || c === 0x44c;
}
function isCyrillic(c: number): boolean {
  return c >= 0x400 && c <= 0x4ff;
}
function isLatin(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xe0 && c <= 0x24f && c !== 0xf7);
}

/** Suffixes grouped by their last character, so a word is compared only with those that can match. */
type SuffixIndex = ReadonlyMap<number, readonly string[]>;
function indexSuffixes(suffixes: readonly string[]): SuffixIndex {
  const index = new Map<number, string[]>();
  for (const suffix of suffixes) {
    const last = suffix.charCodeAt(suffix.length - 1);
    index.set(last, [...(index.get(last) ?? []), suffix]);
  }
  return index;
}
const KAZAKH_SUFFIX_INDEX = indexSuffixes(KAZAKH_SUFFIXES);
const RUSSIAN_SUFFIX_INDEX = indexSuffixes(RUSSIAN_SUFFIXES);

function endsWithAny(word: string, suffixes: SuffixIndex): boolean {
  const candidates = suffixes.get(word.charCodeAt(word.length - 1));
  if (candidates) for (const s of candidates) if (word.endsWith(s)) return true;
  return false;
}

const ZERO: Record<Language, number> = { ru: 0, kk: 0, en: 0 };

export function detectLanguage(text: string, opts?: { fallback?: Language }): LanguageResult {
  const fallback = opts?.fallback ?? DEFAULT_LANGUAGE;
  if (!text) return { language: fallback, confidence: 0, scores: { ...ZERO } };
  const s = (text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).toLowerCase();
  const n = s.length;
  let lat = 0;
  let cyr = 0;
  let kk = 0;
  let ru = 0;
  let i = 0;
  while (i < n) {
    let c = s.charCodeAt(i);
    const cyrWord = isCyrillic(c);
    if (!cyrWord && !isLatin(c)) {
      i++;
      continue;
    }
    // scan one word (letters of either script; Latin i inside Cyrillic words counts as Kazakh і)
    const start = i;
    let wCyr = 0;
    let wLat = 0;
    let wKk = 0;
    let wRu = 0;
    while (i < n) {
      c = s.charCodeAt(i);
      if (isCyrillic(c)) {
        wCyr++;
        if (isKazakhLetter(c)) wKk++;
        else if (isRussianOnlyLetter(c)) wRu++;
      } else if (isLatin(c)) {
        wLat++;
      } else if (c !== 0x2d /* - */ || i + 1 >= n || !isCyrillic(s.charCodeAt(i + 1))) {
        break;
      }
      i++;
    }
    if (wCyr > 0 && wLat > 0 && wCyr >= wLat) {
      // mixed-script word: "бiлмеймiн" typed with Latin i → Kazakh; other Latin look-alikes
      // (a, e, o, p, c, x) are counted as Cyrillic letters.
      for (let j = start; j < i; j++) if (s.charCodeAt(j) === 105 /* i */) wKk++;
      wCyr += wLat;
      wLat = 0;
    }
    lat += wLat;
    cyr += wCyr;
    if (wCyr === 0) continue;
    if (wKk > 0) {
      kk += 2;
      continue;
    }
    const word = s.slice(start, i);
    if (KAZAKH_WORDS.has(word)) kk += 2;
    else if (RUSSIAN_WORDS.has(word)) ru += 2;
    else if (wRu > 0) ru += 0.5;
    else if (word.length >= 5) {
      if (endsWithAny(word, KAZAKH_SUFFIX_INDEX) && !KAZAKH_SUFFIX_EXCEPTIONS.has(word)) kk += 0.75;
      else if (endsWithAny(word, RUSSIAN_SUFFIX_INDEX)) ru += 0.75;
    }
  }
  const letters = lat + cyr;
  if (letters === 0) return { language: fallback, confidence: 0, scores: { ...ZERO } };
  const cyrShare = cyr / letters;
  if (cyrShare < 0.35) {
    const en = 1 - cyrShare;
    // split the Cyrillic share between ru/kk in proportion to their evidence
    const evid = kk + ru;
    const kkShare = evid > 0 ? (cyrShare * kk) / evid : 0;
    const ruShare = cyrShare - kkShare;
    return { language: 'en', confidence: en, scores: { en, ru: ruShare, kk: kkShare } };
  }
  // Cyrillic: ru vs kk with a small prior towards Russian (0.5 pseudo-evidence)
  const ruE = ru + 0.5;
  const kkE = kk;
  const total = ruE + kkE;
  const enScore = 1 - cyrShare;
  const ruScore = (cyrShare * ruE) / total;
  const kkScore = (cyrShare * kkE) / total;
  const language: Language = kkScore > ruScore ? 'kk' : 'ru';
  // confidence: share of the winning language among ru/kk, discounted when evidence is thin
  const margin = Math.max(ruE, kkE) / total;
  const strength = Math.min(1, (ru + kk) / 4);
  const confidence = Math.max(0.5, margin) * (0.6 + 0.4 * strength) * Math.max(cyrShare, 0.5);
  return { language, confidence: Math.min(1, confidence), scores: { ru: ruScore, kk: kkScore, en: enScore } };
}
