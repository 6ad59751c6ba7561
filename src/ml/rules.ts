/**
 * Explainable rule-based fallbacks for labels that rarely have history.
 *
 * `detectUrgency` looks for urgency cues in Russian, Kazakh and English and returns the highest
 * matching priority (critical > high > medium > low) together with every cue that matched, so a
 * UI can show *why*. Matching is done on `prepareText` output (lower case, ё→е, NFKC), on word
 * boundaries; a cue ending in `*` matches any word ending (Russian/Kazakh inflection), e.g.
 * "срочн*" matches "срочно", "срочная", "срочного".
 */
import { prepareText } from './text.ts';

export type Priority = 'low' | 'medium' | 'high' | 'critical';

export interface UrgencyResult {
  priority: Priority | null;
  /** Cues that matched, as written in the lists below, highest level first. */
  matched: string[];
}

/**
 * Cue lists. Multi-word cues allow any run of whitespace between the words.
 * critical: the whole organisation / a production system / security incident is affected.
 */
export const URGENCY_CUES: Readonly<Record<Priority, readonly string[]>> = Object.freeze({
  critical: [
    // en
    'production down', 'prod down', 'system down', 'site down', 'server down', 'outage', 'major incident',
    'critical', 'nobody can work', 'no one can work', 'everyone affected', 'all users', 'whole company',
    'entire office', 'data loss', 'ransomware', 'security breach', 'hacked', 'virus attack',
    // ru
    'не работает у всех', 'ни у кого не работает', 'у всех не работает', 'все сотрудники', 'всех сотрудников',
    'весь отдел', 'всего отдела', 'весь офис', 'всего офиса', 'вся компания', 'всей компании', 'все пользователи',
    'никто не может работать', 'работа остановлена', 'работа стоит', 'авари*', 'критичн*',
    'упал сервер', 'сервер упал', 'сервер недоступен', 'вирус*', 'шифровальщик', 'взлом*', 'утечка данных',
    'потеря данных',
    // kk
    'барлық қызметкерлер', 'барлық қызметкерлерде', 'барлығында істемейді', 'барлығында жұмыс істемейді',
    'бүкіл бөлім', 'бүкіл кеңсе', 'бүкіл компания', 'ешкім жұмыс істей алмайды', 'жұмыс тоқтап тұр',
    'жұмыс тоқтады', 'апат*', 'сервер істемейді', 'вирус', 'бұзылды деректер',
  ],
  high: [
    // en
    'urgent', 'urgently', 'asap', 'as soon as possible', 'immediately', 'emergency', 'high priority',
    'importance high', 'blocker', 'blocking', 'cannot work', "can't work", 'cant work', 'unable to work',
    'deadline today', 'right now',
    // ru
    'срочн*', 'очень срочно', 'как можно скорее', 'немедленно', 'безотлагательно', 'горит', 'сегодня до',
    'не могу работать', 'невозможно работать', 'не можем работать', 'блокирует', 'важно', 'высокий приоритет',
    'в кратчайшие сроки',
    // kk
    'шұғыл', 'шұғыл түрде', 'тез арада', 'тезірек', 'жедел', 'дереу', 'мүмкіндігінше тез', 'жұмыс істей алмаймын',
    'жұмыс істей алмаймыз', 'маңызды',
  ],
  medium: [
    // en
    'not working', "doesn't work", 'does not work', 'broken', 'error', 'failed', 'fails', 'cannot', "can't",
    'unable to', 'slow',
    // ru
    'не работает', 'не работают', 'сломал*', 'ошибк*', 'не могу', 'не удается', 'не получается', 'медленно',
    'тормозит', 'завис*', 'не включается', 'не печатает',
    // kk
    'істемейді', 'жұмыс істемейді', 'қате', 'ақау', 'ашылмайды', 'қосылмайды', 'баяу', 'кіре алмаймын',
  ],
  low: [
    // en
    'when you have time', 'no rush', 'not urgent', 'low priority', 'whenever possible', 'question', 'how to',
    'how do i', 'request for information', 'nice to have',
    // ru
    'не срочно', 'когда будет время', 'при возможности', 'вопрос', 'как сделать', 'подскажите', 'по возможности',
    'низкий приоритет',
    // kk
    'шұғыл емес', 'асықпаймыз', 'уақыт болғанда', 'мүмкіндік болса', 'сұрақ', 'қалай',
  ],
});

const LEVELS: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/** Negated cues that must not count as urgent ("не срочно", "not urgent", "шұғыл емес"). */
const NEGATED_URGENT = /(?:^|[^\p{L}])(?:не\s+срочн\p{L}*|not\s+urgent|шұғыл\s+емес)(?=$|[^\p{L}])/gu;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Every word of a cue may end in `*` ("подозрительн* письм*"), not only the last: until issue 18
// an inner `*` was taken literally, and the three such security cues never matched anything.
function cueRegex(cue: string): RegExp {
  const body = cue
    .split(/\s+/)
    .map((word) => (word.endsWith('*') ? `${escapeRe(word.slice(0, -1))}\\p{L}*` : escapeRe(word)))
    .join('\\s+');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${body}(?=$|[^\\p{L}\\p{N}])`, 'u');
}

// `word` is the cue's longest word, which a match must contain literally: a substring test rules
// most cues out before their (Unicode, whole-text) regex runs. Same results, several times faster.
const longestWord = (cue: string): string => cue.replace(/\*/g, '').split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a), '');
const COMPILED: ReadonlyArray<{ level: Priority; cue: string; re: RegExp; word: string }> = LEVELS.flatMap((level) =>
  URGENCY_CUES[level].map((cue) => ({ level, cue, re: cueRegex(cue), word: longestWord(cue) })),
);

/**
 * Urgency from keywords. `priority` is the highest level with a match (null when nothing
 * matched); `matched` lists all matched cues, highest level first. Negated urgency
 * ("не срочно", "not urgent", "шұғыл емес") counts as low and suppresses the positive cue.
 */
export function detectUrgency(text: string, opts: { prepared?: boolean } = {}): UrgencyResult {
  let s = opts.prepared ? text : prepareText(text);
  const matched: string[] = [];
  let best: Priority | null = null;
  let negated = false;
  if (NEGATED_URGENT.test(s)) {
    negated = true;
    s = s.replace(NEGATED_URGENT, ' ');
  }
  NEGATED_URGENT.lastIndex = 0;
  for (const { level, cue, re, word } of COMPILED) {
    if (s.includes(word) && re.test(s)) {
      matched.push(cue);
      if (best === null || LEVELS.indexOf(level) < LEVELS.indexOf(best)) best = level;
    }
  }
  if (negated) {
    matched.push('(negated urgency)');
    if (best === null) best = 'low';
  }
  return { priority: best, matched };
}

/**
 * Words that keep a ticket away from an automatic answer (`detectHoldBack`): a security incident
 * must reach a person at once, and a complaint is about how people were treated, which no canned
 * answer settles. Same matching as the urgency cues (word boundaries, `*` for any ending, so
 * "вирус*" matches "вирусы" but not "антивирус").
 */
export const SECURITY_CUES: readonly string[] = Object.freeze([
  // en
  'phish*', 'virus*', 'malware', 'ransomware', 'spyware', 'trojan*', 'keylogger*', 'hacked', 'hacker*',
  'hacking', 'hack', 'breach*', 'compromised', 'data leak*', 'leaked', 'infected', 'infection', 'unauthori?ed access',
  'suspicious email*', 'suspicious e-mail*', 'suspicious link*', 'suspicious login*', 'suspicious sign-in*', 'scam*',
  'fraud*', 'ddos', 'stolen', 'someone logged in',
  // ru
  'фишинг*', 'вирус*', 'вредонос*', 'троян*', 'шифровальщик*', 'взлом*', 'хакер*', 'утечк*', 'заражен*',
  'заразил*', 'скомпрометирован*', 'компрометац*', 'несанкционированн*', 'подозрительн* письм*', 'подозрительн* ссылк*',
  'подозрительн* вход*', 'мошенни*', 'украли', 'украден*', 'кто-то зашел', 'кто-то вошел',
  // kk
  'фишинг*', 'вирус*', 'зиянды', 'трояндық', 'шифрлаушы', 'бұзып кір*', 'бұзып алды', 'бұзылған аккаунт*', 'хакер*',
  'жылыстау*', 'жылыстап', 'жұқты*', 'жұқтыр*', 'күдікті хат*', 'күдікті сілтеме*', 'күдікті кіру', 'алаяқ*', 'рұқсатсыз',
  'ұрланды', 'ұрлап',
]);

export const COMPLAINT_CUES: readonly string[] = Object.freeze([
  // en
  'complaint*', 'complain*', 'dissatisfied', 'unacceptable', 'disappointed', 'disgrace*', 'rude', 'terrible service',
  'poor service', 'worst service', 'unprofessional',
  // ru
  'жалоб*', 'жалуюсь', 'жалуемся', 'претензи*', 'недоволен', 'недовольн*', 'неприемлем*', 'возмутительн*', 'безобрази*',
  'хамств*', 'нахамил*', 'грубо', 'непрофессиональн*',
  // kk
  'шағым*', 'наразы*', 'наразылық*', 'қанағаттанбаймын', 'қанағаттанбаймыз', 'дөрекі*', 'кәсіби емес',
]);

export type HoldBackRule = 'security' | 'complaint' | 'urgent';

export interface HoldBack {
  rule: HoldBackRule;
  /** The cues that matched, as written in the lists. */
  matched: string[];
}

interface CompiledCue {
  cue: string;
  re: RegExp;
  word: string;
}

// "?" in a cue stands for any one letter ("unauthori?ed": -ised and -ized).
const compileCues = (cues: readonly string[]): CompiledCue[] =>
  [...new Set(cues)].map((cue) => ({
    cue,
    re: new RegExp(cueRegex(cue).source.replace(/\\\?/g, '\\p{L}'), 'u'),
    word: longestWord(cue).split('?')[0]!,
  }));
const SECURITY = compileCues(SECURITY_CUES);
const COMPLAINT = compileCues(COMPLAINT_CUES);

function matchCues(s: string, cues: readonly CompiledCue[]): string[] {
  return cues.filter(({ re, word }) => s.includes(word) && re.test(s)).map((c) => c.cue);
}

/**
 * Why a ticket must not get an automatic answer, most serious first: security incident words,
 * complaint words, urgency words at level high or critical (negated urgency, "не срочно", does
 * not count). Empty when nothing holds it back.
 */
export function detectHoldBack(text: string, opts: { prepared?: boolean; urgency?: UrgencyResult } = {}): HoldBack[] {
  const s = opts.prepared ? text : prepareText(text);
  const out: HoldBack[] = [];
  const security = matchCues(s, SECURITY);
  if (security.length > 0) out.push({ rule: 'security', matched: security });
  const complaint = matchCues(s, COMPLAINT);
  if (complaint.length > 0) out.push({ rule: 'complaint', matched: complaint });
  const urgency = opts.urgency ?? detectUrgency(s, { prepared: true });
  if (urgency.priority === 'critical' || urgency.priority === 'high') {
    const levels = new Set([...URGENCY_CUES.critical, ...URGENCY_CUES.high]);
    out.push({ rule: 'urgent', matched: urgency.matched.filter((cue) => levels.has(cue)) });
  }
  return out;
}
