/**
 * Personal data in free text, replaced by a tag: e-mail addresses ([email]), phone numbers in
 * Kazakh and international formats ([phone]), Kazakh IIN/BIN numbers ([iin]: 12 digits), and
 * payment card numbers ([card]: 13 to 19 digits). Digit groups may be separated by spaces,
 * dashes, dots or brackets, as people write them. It errs on the side of privacy: any 12-digit
 * number is taken for an IIN/BIN, any 13-19 digit one for a card.
 */
const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
/** The domain after an '@', matched where the '@' is (sticky). */
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/uy;
/** A run of digits with the separators phone, card and IIN numbers are written with. */
const DIGITS = /\+?\(?\d(?:[ \t\u00a0().\-]{0,3}\d){6,22}\)?/g;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const LOCAL_PHONE = /^\d{3}[ -]\d{2}[ -]\d{2}$/;

function classify(match: string): string | null {
  const digits = match.replace(/\D/g, '');
  const n = digits.length;
  const separated = /[ .()\-]/.test(match.trim());
  if (match.startsWith('+') && n >= 7 && n <= 15 && (n !== 12 || separated)) return '[phone]';
  if (n === 12) return '[iin]';
  if (n >= 13 && n <= 19) return '[card]';
  if (n === 11 && (digits[0] === '7' || digits[0] === '8')) return '[phone]';
  if (n === 10 && separated && !/^\d{4}[.\-/]\d{2}[.\-/]\d{2}$/.test(match.trim())) return '[phone]';
  if (n === 10 && !separated && /^[67]/.test(digits)) return '[phone]';
  if (n === 7 && LOCAL_PHONE.test(match.trim())) return '[phone]';
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
const HAS_DIGIT_RUN = /\d(?:[ \t\u00a0().\-]{0,3}\d){6}/;

export function redact(text: string): string;
export function redact(text: string | null): string | null;
export function redact(text: string | null): string | null {
  if (text === null) return null;
  let out = text.includes('@') ? redactEmails(text) : text;
  if (!HAS_DIGIT_RUN.test(out)) return out;
  out = out.replace(DIGITS, (m: string, offset: number, whole: string) => {
    // Part of a longer word or number (an id, a hash): not personal data of these kinds.
    if (offset > 0 && WORD_CHAR.test(whole[offset - 1]!)) return m;
    const next = whole[offset + m.length];
    if (next !== undefined && WORD_CHAR.test(next)) return m;
    const tag = classify(m);
    if (!tag) return m;
    // A bracket the match took from around the number, not from inside it, stays.
    const open = m.startsWith('(') && !m.includes(')') ? '(' : '';
    const close = m.endsWith(')') && !m.slice(0, -1).includes('(') ? ')' : '';
    return open + tag + close;
  });
  return out;
}
