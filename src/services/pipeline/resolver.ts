import { prepareText, tokenize } from '../../ml/text.ts';

/**
 * Matching a ticket against answer templates by their trigger examples. Words are cut to their
 * first five letters, a crude stem that survives Russian and Kazakh endings ("пароль",
 * "пароля", "парольді" -> "парол"); words shorter than three letters are ignored.
 *
 * Only the *distinctive* stems of an example count: words that say nothing about what a ticket
 * is about ("how", "please", "new", "как", "нужен", "қалай", "керек", ...; GENERIC_WORDS below)
 * are dropped from the examples. An example matches when the ticket contains at least
 * MIN_MATCHED_STEMS of its distinctive stems and at least `templateMatch` of them, and those
 * stems are at least MIN_TICKET_SHARE of the ticket's (the ticket is about that, not a long
 * message that happens to mention it).
 *
 * Why (measured, issue 11): with every stem counting and 30 % enough, one or two shared words
 * made a match: "URGENT: my mailbox is sending phishing emails" matched "My mailbox is full"
 * (1 of 2 stems, 50 %) and "Жаңа ноутбук сатып алу керек" matched "Жаңа ноутбукте VPN-ді қалай
 * баптаймын?" (жаңа + ноутб, 2 of 5, 40 %). Over the auto-resolution benchmark
 * (bench/auto-resolve.ts, figures in the README) the old rule answered 1,766 of 9,727 tickets at a
 * precision of 0.905 (8 of the 20 that must reach a person among them); the rule here 74 at
 * 0.986 (none of those 20).
 */
const STEM_LENGTH = 5;

/** A match needs at least this many distinctive stems of one trigger example in the ticket. */
export const MIN_MATCHED_STEMS = 2;

/**
 * ... and they must be at least this share of the ticket's own stems: the ticket is *about* what
 * the template answers. A long e-mail thread that mentions a full mailbox among ten other things
 * goes to a person. Measured on bench/auto-resolve.ts (README, Pipeline): with two stems and half
 * an example alone, 233 automatic answers of which 18 wrong (precision 0.923), all but one of
 * the wrong ones tickets of 11 to 102 stems matched by 2; with this share at least 0.2, 74
 * answers and 1 wrong (0.986).
 */
export const MIN_TICKET_SHARE = 0.2;

/**
 * Words too common in helpdesk requests to tell one template from another, in the three
 * languages (inflected forms listed where the five-letter stem differs).
 */
const GENERIC_WORDS = [
  // en
  'the', 'and', 'for', 'with', 'not', 'can', 'cant', 'cannot', 'could', 'would', 'should', 'how', 'what', 'when', 'where',
  'why', 'who', 'this', 'that', 'there', 'these', 'have', 'has', 'had', 'does', 'did', 'doesn', 'don', 'didn', 'are',
  'was', 'were', 'from', 'into', 'onto', 'again', 'still', 'some', 'any', 'all', 'also', 'just', 'now', 'today', 'one',
  'please', 'pls', 'help', 'need', 'needs', 'needed', 'want', 'new', 'get', 'got', 'set', 'your', 'our', 'you', 'hello',
  'dear', 'regards', 'best', 'kind', 'says', 'say', 'said', 'tell', 'told', 'know', 'like', 'able',
  'ticket', 'question', 'work', 'working',
  'works', 'use', 'using', 'used', 'make', 'made', 'way', 'since', 'after', 'before', 'keep', 'keeps', 'seems', 'seem',
  // ru
  'как', 'что', 'это', 'этот', 'эта', 'для', 'меня', 'мне', 'мой', 'моя', 'мое', 'мои', 'моего', 'моей', 'моем', 'моим',
  'нас', 'нам', 'наш', 'наша', 'наше', 'наши', 'вас', 'вам', 'ваш', 'нет', 'есть', 'был', 'была', 'было', 'были',
  'будет', 'можно', 'нужно', 'нужен', 'нужна', 'нужны', 'надо', 'могу', 'можем', 'может', 'помогите', 'помочь',
  'пожалуйста', 'здравствуйте', 'добрый', 'день', 'спасибо', 'уважением', 'очень', 'уже', 'еще', 'опять', 'снова',
  'так', 'там', 'тут', 'где', 'когда', 'почему', 'новый', 'новая',
  'новое', 'новые', 'нового', 'новой', 'новом', 'новую', 'новым', 'пишет', 'пишут', 'сделать', 'делать', 'просьба',
  'прошу', 'вопрос', 'при', 'после', 'перед',
  // kk
  'қалай', 'керек', 'жаңа', 'мен', 'менің', 'маған', 'мені', 'бізге', 'біздің', 'сіз', 'сізге',
  'бар', 'жоқ', 'және', 'үшін', 'бұл', 'сол', 'осы',
  'рахмет', 'өтінемін', 'тағы', 'әлі', 'қайта', 'болады', 'болмайды', 'дейді', 'деп', 'алу', 'беру',
  'аламын', 'беремін', 'жасау', 'мәселе', 'сұрақ', 'қандай', 'неге', 'қашан', 'қайда',
  // Kazakh auxiliary verbs after a converb ("ұмытып қалдым", "толып қалды", "өтіп кетті")
  'қалған', 'кетті', 'кетіпті',
  // Stryker disable StringLiteral: equivalent, each shares its five-letter stem with another word of this group, which still removes it
  'thank', 'thanks', 'issue', 'issues', 'problem', 'problems', 'request', 'requests', 'requested',
  'все', 'всё', 'который', 'которая', 'которые', 'проблема', 'проблемы', 'заявка', 'заявку', 'получить', 'получается',
  'жаңасын', 'жаңасы', 'көмектесіңізші', 'көмектесіңіз', 'көмек', 'сәлеметсіз', 'сәлем', 'өтінім', 'өтінімді',
  'қалды', 'қалдым', // Kazakh auxiliary verbs after a converb ("ұмытып қалдым", "толып қалды")
  // Stryker restore StringLiteral
];
const GENERIC = new Set(GENERIC_WORDS.map((w) => prepareText(w).slice(0, STEM_LENGTH)));

export function stems(text: string): Set<string> {
  const out = new Set<string>();
  for (const token of tokenize(prepareText(text))) {
    // Stryker disable next-line MethodExpression: equivalent, a token that starts with "__" is a placeholder (__email__, __url__, ...; TOKEN_RE), which ends with it too
    if (token.length < 3 || token.startsWith('__')) continue;
    out.add(token.slice(0, STEM_LENGTH));
  }
  return out;
}

/** The stems of a trigger example that can tell templates apart. */
export function distinctiveStems(text: string): Set<string> {
  const out = stems(text);
  for (const stem of out) if (GENERIC.has(stem)) out.delete(stem);
  return out;
}

export interface TemplateCandidate {
  id: string;
  name: string;
  categoryId: string;
  language: string;
  answer: string;
  /** Distinctive stems of each trigger example, computed once per batch. */
  examples: Set<string>[];
}

export interface TemplateMatch {
  template: TemplateCandidate;
  /** Share of the example's distinctive stems found in the ticket (0..1). */
  similarity: number;
  /** How many of them were found. */
  matched: number;
  /** matched / the number of the ticket's stems: how much of the ticket the example covers. */
  focus: number;
  /** The trigger example that matched best. */
  example: number;
}

export function compileTemplate(template: Omit<TemplateCandidate, 'examples'>, triggerExamples: readonly string[]): TemplateCandidate {
  return { ...template, examples: triggerExamples.map(distinctiveStems).filter((s) => s.size > 0) };
}

/** How many of the example's stems the ticket has. */
export function overlap(ticket: Set<string>, example: Set<string>): number {
  let found = 0;
  for (const stem of example) if (ticket.has(stem)) found++;
  return found;
}

export function similarity(ticket: Set<string>, example: Set<string>): number {
  return example.size === 0 ? 0 : overlap(ticket, example) / example.size;
}

/**
 * Whether a match is strong enough to answer with: at least MIN_MATCHED_STEMS distinctive stems,
 * at least `threshold` of the example, and at least MIN_TICKET_SHARE of the ticket. The one definition, used by the pipeline's decision,
 * the derived issue type and `model predict`.
 */
export function templateMatches(match: { similarity: number; matched: number; focus: number } | null, threshold: number): boolean {
  return match !== null && match.matched >= MIN_MATCHED_STEMS && match.focus >= MIN_TICKET_SHARE && match.similarity >= threshold;
}

/**
 * The best-matching template among the candidates, or null when none has any overlap. Examples
 * with enough matched stems come first, then the higher share, then more stems.
 */
export function bestTemplate(ticket: Set<string>, candidates: readonly TemplateCandidate[]): TemplateMatch | null {
  let best: TemplateMatch | null = null;
  const rank = (m: TemplateMatch): [number, number, number] => [m.matched >= MIN_MATCHED_STEMS && m.focus >= MIN_TICKET_SHARE ? 1 : 0, m.similarity, m.matched];
  const better = (a: TemplateMatch, b: TemplateMatch): boolean => {
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
    return false;
  };
  for (const template of candidates) {
    template.examples.forEach((example, index) => {
      const matched = overlap(ticket, example);
      if (matched === 0) return;
      const candidate: TemplateMatch = { template, similarity: matched / example.size, matched, focus: matched / ticket.size, example: index };
      if (!best || better(candidate, best)) best = candidate;
    });
  }
  return best;
}
