/**
 * Personal data in free text, replaced by a tag: e-mail addresses ([email]), phone numbers in
 * Kazakh and international formats ([phone]), Kazakh IIN/BIN numbers ([iin]: 12 digits), and
 * payment card numbers ([card]: 13 to 19 digits). Digit groups may be separated by spaces,
 * dashes, dots or brackets, as people write them. It errs on the side of privacy: any 12-digit
 * number is taken for an IIN/BIN, any 13-19 digit one for a card.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** A run of digits with the separators phone, card and IIN numbers are written with. */
const DIGITS = /(?<![\p{L}\p{N}_])\+?\(?\d(?:[ \t\u00a0().\-]{0,3}\d){6,22}\)?(?![\p{L}\p{N}_])/gu;
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

export function redact(text: string): string;
export function redact(text: string | null): string | null;
export function redact(text: string | null): string | null {
  if (text === null) return null;
  return text.replace(EMAIL, '[email]').replace(DIGITS, (m) => {
    const tag = classify(m);
    if (!tag) return m;
    // A bracket the match took from around the number, not from inside it, stays.
    const open = m.startsWith('(') && !m.includes(')') ? '(' : '';
    const close = m.endsWith(')') && !m.slice(0, -1).includes('(') ? ')' : '';
    return open + tag + close;
  });
}
