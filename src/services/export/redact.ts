/**
 * Personal data in free text, replaced by a tag: e-mail addresses ([email]), phone numbers in
 * Kazakh and international formats ([phone]), Kazakh IIN/BIN numbers ([iin]: 12 digits), and
 * payment card numbers ([card]: 13 to 19 digits). Digit groups may be separated by spaces,
 * dashes, dots, slashes or brackets, in any of their Unicode forms, digits may be full-width or
 * Arabic-Indic, and a label may be glued to the number ("ИИН900101300123"). It errs on the side
 * of privacy: any 12-digit number is taken for an IIN/BIN, any 13-19 digit one for a card.
 */
const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
/** The domain after an '@', matched where the '@' is (sticky). */
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/uy;
/**
 * What separates digit groups in numbers as people (and word processors) write them: spaces
 * (also no-break U+00A0, figure U+2007, thin U+2009, narrow no-break U+202F), brackets, dots,
 * slashes, and every hyphen and dash (U+2010-U+2014 and the minus sign U+2212 included). Digits
 * may be full-width ０-９ or Arabic-Indic ٠-٩ as well as ASCII.
 */
const SEP = '[ \\t\\u00a0\\u2007\\u2009\\u202f().\\-/\\u2010-\\u2014\\u2212]';
/**
 * Decimal digits of the scripts tickets come in: ASCII, Arabic-Indic, Extended Arabic-Indic,
 * Devanagari and full-width. An explicit class, not \p{Nd}: the Unicode property made every
 * text three times slower to scan (bench/redact.ts).
 */
const DIGIT = '[0-9\\u0660-\\u0669\\u06f0-\\u06f9\\u0966-\\u096f\\uff10-\\uff19]';
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0xff10];
/** A run of digits with the separators phone, card and IIN numbers are written with. */
const DIGITS = new RegExp(`[+\\uff0b]?[(\\uff08]?${DIGIT}(?:${SEP}{0,3}${DIGIT}){6,22}[)\\uff09]?`, 'g');
const LOCAL_PHONE = /^\d{3}[ -]\d{2}[ -]\d{2}$/;

/** ASCII digits and plain separators, so that one set of rules classifies every script. */
function plain(match: string): string {
  let out = '';
  for (let i = 0; i < match.length; i++) {
    const c = match.charCodeAt(i);
    if (c < 0x80) {
      out += c === 0x09 ? ' ' : match[i];
      continue;
    }
    const zero = DIGIT_ZEROS.find((z) => c >= z && c <= z + 9);
    if (zero !== undefined) out += String(c - zero);
    else if (c === 0xff0b) out += '+';
    else if (c === 0xff08) out += '(';
    else if (c === 0xff09) out += ')';
    else if (
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: equivalent, a space and the '-' of the else branch are the same separator to every rule of classify
      c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f
    )
      out += ' ';
    else out += '-'; // U+2010-U+2014, U+2212: the only other characters SEP lets through
  }
  return out;
}

function classify(raw: string): string | null {
  const match = plain(raw);
  const digits = match.replace(/\D/g, '');
  const n = digits.length;
  const separated = /[ .()\-/]/.test(match.trim());
  if (match.startsWith('+') && n >= 7 && n <= 15 && (n !== 12 || separated)) return '[phone]';
  if (n === 12) return '[iin]';
  if (n >= 13 && n <= 19) return '[card]';
  if (n === 11 && (digits[0] === '7' || digits[0] === '8')) return '[phone]';
  if (n === 10 && separated && !/^\d{4}[.\-/]\d{2}[.\-/]\d{2}$/.test(match.trim())) return '[phone]';
  if (n === 10 && !separated && /^[67]/.test(digits)) return '[phone]';
  // A bracket the digit run took in on either side ("(250-12-34") is not part of the groups.
  if (n === 7 && LOCAL_PHONE.test(match.trim().replace(/^\(|\)$/g, ''))) return '[phone]';
  return null;
}

/** Each '@' with a local part before it and a domain after it; scanning from the '@' keeps it linear. */
function redactEmails(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > copied && LOCAL_CHAR.test(text[start - 1]!)) start--;
    DOMAIN.lastIndex = at + 1;
    const domain = start < at ? DOMAIN.exec(text) : null;
    if (domain) {
      out += text.slice(copied, start) + '[email]';
      copied = at + 1 + domain[0].length;
      at = text.indexOf('@', copied);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Cheap pre-checks: most texts have no '@' and no long digit run, and skip the costly patterns. */
const HAS_DIGIT_RUN = new RegExp(`${DIGIT}(?:${SEP}{0,3}${DIGIT}){6}`);

const LETTER = /[\p{L}\p{M}]/u;
/** ASCII letters directly, the rest through the Unicode property. */
function isLetter(c: number): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return LETTER.test(String.fromCharCode(c));
}

/**
 * Whether the number at [start, end) is part of a longer token that is not personal data: an id
 * or a hash mixes digits into letters ("a3f9c2…", a UUID's "a456-426614174000"). A number glued
 * to a word of two letters or more ("ИИН900101300123", "тел87011234567", "tel+7701…",
 * "Карта4111…") is still redacted: people write labels against the number.
 */
function partOfToken(text: string, start: number, end: number): boolean {
  let i = start;
  while (i > 0 && isLetter(text.charCodeAt(i - 1))) i--;
  const before = start - i;
  if (before > 0 && (before < 2 || (i > 0 && /[\p{N}_\-]/u.test(text[i - 1]!)))) return true;
  if (before === 0 && start > 0 && /[\p{N}_]/u.test(text[start - 1]!)) return true;
  let j = end;
  while (j < text.length && isLetter(text.charCodeAt(j))) j++;
  const after = j - end;
  if (after > 0 && (after < 2 || (j < text.length && /[\p{N}_]/u.test(text[j]!)))) return true;
  if (after === 0 && end < text.length && /[\p{N}_]/u.test(text[end]!)) return true;
  return false;
}

export function redact(text: string): string;
export function redact(text: string | null): string | null;
export function redact(text: string | null): string | null {
  if (text === null) return null;
  let out = text.includes('@') ? redactEmails(text) : text;
  if (!HAS_DIGIT_RUN.test(out)) return out;
  out = out.replace(DIGITS, (m: string, offset: number, whole: string) => {
    if (partOfToken(whole, offset, offset + m.length)) return m;
    const tag = classify(m);
    if (!tag) return m;
    // A bracket the match took from around the number, not from inside it, stays.
    const open = /^[(\uff08]/.test(m) && !/[)\uff09]/.test(m) ? m[0]! : '';
    const close = /[)\uff09]$/.test(m) && !/[(\uff08]/.test(m.slice(0, -1)) ? m[m.length - 1]! : '';
    return open + tag + close;
  });
  return out;
}
