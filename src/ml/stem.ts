/**
 * Stems of Russian and Kazakh words, added to the vectorizer as features of their own (the word
 * and its character n-grams stay): "принтера", "принтеру", "принтеров" share "принтер", and
 * "құпиясөзді", "құпиясөзімді" share "құпиясөз", so a head learns a word once for all its forms.
 *
 * - A token with a letter only Kazakh has (ә ғ қ ң ө ұ ү һ і) is Kazakh: its endings are taken
 *   off by `stripKazakh` below.
 * - Another Cyrillic token is taken for Russian: the Snowball Russian stemmer (the npm package
 *   snowball-stemmers, a port of the Snowball algorithms) stems it.
 * - Latin tokens get no stem feature: English has few endings, and its figures were tuned
 *   without one.
 */
import snowball from 'snowball-stemmers';

const KAZAKH_LETTER = /[әғқңөұүһі]/;
const CYRILLIC = /^[\u0400-\u04ff]+$/;

const russian = snowball.newStemmer('russian');

/**
 * Kazakh is agglutinative: a word is a stem followed by endings in a fixed order, plural, then
 * possessive, then case (or, on verbs, tense and person), each in vowel-harmony variants. The
 * endings are taken off from the end in that order, at most one of each slot, and only while at
 * least MIN_STEM letters stay ("компьютерлеріміздің": -дің, -іміз, -лер -> "компьютер").
 * A documented approximation, not a morphological analyser: it errs towards leaving a word whole.
 */
const byLength = (list: string[]): string[] => list.sort((a, b) => b.length - a.length);
const KAZAKH_SLOTS: string[][] = [
  // case (genitive, dative, accusative, locative, ablative, instrumental) and verb endings
  byLength([
    'ның', 'нің', 'дың', 'дің', 'тың', 'тің',
    'ға', 'ге', 'қа', 'ке', 'на', 'не',
    'ны', 'ні', 'ды', 'ді', 'ты', 'ті',
    'нда', 'нде', 'да', 'де', 'та', 'те',
    'нан', 'нен', 'дан', 'ден', 'тан', 'тен',
    'мен', 'бен', 'пен',
    'мын', 'мін', 'сың', 'сің',
    'ған', 'ген', 'қан', 'кен', 'йды', 'йді', 'ады', 'еді', 'ып', 'іп',
  ]),
  // possessive
  byLength(['ымыз', 'іміз', 'мыз', 'міз', 'ыңыз', 'іңіз', 'ңыз', 'ңіз', 'ым', 'ім', 'ың', 'ің', 'сы', 'сі']),
  // plural
  byLength(['лар', 'лер', 'дар', 'дер', 'тар', 'тер']),
];
const MIN_STEM = 3;

// The plural's first consonant follows the stem's last sound: л after a vowel or р, у, й; д
// after л, м, н, ң, з, ж; т after a voiceless consonant. So "компьютер" keeps its "тер" (after
// "ю" a plural would be "лер"), while "принтерлер" loses "лер".
const PLURAL_AFTER: Record<string, RegExp> = { л: /[аәеиоөуұүыіэюяруй]$/, д: /[лмнңзж]$/, т: /[пткқсшфхцчщ]$/ };

function fits(stem: string, ending: string, plural: boolean): boolean {
  if (stem.length - ending.length < MIN_STEM || !stem.endsWith(ending)) return false;
  return !plural || PLURAL_AFTER[ending[0]!]!.test(stem.slice(0, -ending.length));
}

export function stripKazakh(word: string): string {
  let stem = word;
  KAZAKH_SLOTS.forEach((endings, slot) => {
    const plural = slot === KAZAKH_SLOTS.length - 1;
    const ending = endings.find((e) => fits(stem, e, plural));
    if (ending) stem = stem.slice(0, -ending.length);
  });
  return stem;
}

const cache = new Map<string, string | null>();
const CACHE_MAX = 100_000;

/** The stem feature of a (lower-cased) token: a Kazakh or Russian stem, or null for none. */
export function stemOf(token: string): string | null {
  let stem = cache.get(token);
  if (stem !== undefined) return stem;
  if (token.length < 4 || !CYRILLIC.test(token)) stem = null;
  else stem = KAZAKH_LETTER.test(token) ? stripKazakh(token) : russian.stem(token);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(token, stem);
  return stem;
}
