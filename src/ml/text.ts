/**
 * Text preparation for helpdesk tickets (ru / kk / en).
 *
 * `prepareText` turns a raw ticket body (plain text or HTML e-mail) into a normalised,
 * lower-cased string in which personal / high-cardinality tokens are replaced by placeholders:
 *
 *   __email__  e-mail addresses
 *   __url__    URLs (http(s)://, ftp://, www.)
 *   __phone__  phone numbers (Kazakh +7 / 8 7xx formats and international +CC ...)
 *   __num__    digit runs of 5 or more digits (ticket ids, inventory numbers, ...)
 *
 * Quoted replies and signatures are cut off where recognisable, so that the classifier sees
 * the author's own words only. `tokenize` splits a prepared string into word tokens.
 */

const PLACEHOLDERS = ['__email__', '__url__', '__phone__', '__num__'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export const PLACEHOLDER_TOKENS: readonly string[] = PLACEHOLDERS;

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", laquo: '«', raquo: '»',
  ndash: '–', mdash: '—', hellip: '…', copy: '©', reg: '®', trade: '™', shy: '',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', euro: '€',
  zwnj: '', zwj: '', ensp: ' ', emsp: ' ', thinsp: ' ', times: '×', deg: '°', numero: '№',
};

function decodeEntity(whole: string, body: string): string {
  if (body.charCodeAt(0) === 35 /* # */) {
    const hex = body[1] === 'x' || body[1] === 'X';
    const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    if (!Number.isFinite(code) || code < 0 || code > 0x10ffff) return ' ';
    if (code === 0) return ' ';
    try {
      return String.fromCodePoint(code);
    } catch {
      return ' ';
    }
  }
  const named = NAMED_ENTITIES[body.toLowerCase()];
  return named ?? whole;
}

const LOOKS_LIKE_HTML = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i;

/** Strip HTML: drop <style>/<script>/<head>/comments, turn block tags and <br> into line breaks. */
export function stripHtml(raw: string): string {
  if (!LOOKS_LIKE_HTML.test(raw)) return raw;
  let s = raw;
  s = s.replace(/<!--[\s\S]*?-->/g, ' ');
  s = s.replace(/<(style|script|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ');
  // <blockquote> is a quoted reply in HTML mail: mark its lines as quoted
  s = s.replace(/<blockquote\b[^>]*>([\s\S]*?)<\/blockquote\s*>/gi, (_m, inner: string) => {
    const text = stripHtml(inner);
    return '\n' + text.split('\n').map((l) => '> ' + l).join('\n') + '\n';
  });
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/?(?:p|div|tr|li|ul|ol|table|h[1-6]|section|article|header|footer|hr)\b[^>]*>/gi, '\n');
  s = s.replace(/<\/?(?:td|th|span|font|b|i|u|strong|em|a|img)\b[^>]*>/gi, ' ');
  s = s.replace(/<\/?[a-z][a-z0-9:-]*(?:\s[^<>]*)?\/?>/gi, ' ');
  s = s.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?/g, decodeEntity);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Quoted replies and signatures. Each pattern is tested against one (trimmed, lower-cased) line;
// everything from the first matching line to the end of the text is dropped — but only when
// at least some text precedes it, so a ticket that *starts* with a quote is kept.
// ---------------------------------------------------------------------------------------------

/** Lines that start a quoted earlier message. */
const REPLY_HEADER_LINES: readonly RegExp[] = [
  /^-{2,}\s*(original message|исходное сообщение|пересылаемое сообщение|forwarded message|бастапқы хабарлама)\s*-{2,}/,
  /^_{5,}$/, // Outlook separator line
  /^on\b.{3,200}\bwrote:?$/, // On Mon, 1 Jan 2024, John <j@x> wrote:
  /^(from|от|кімнен|жіберуші):\s.+/, // Outlook header block "From: ..." (followed by Sent/To/Subject)
  // Anchored: the same lines as the unanchored /.{3,200}[^\p{L}](...)\s*:$/u (any start, 3..200
  // characters before the keyword's separator = at least 3 from the line start), but linear instead
  // of trying 200 lengths from every position (150 µs for a 130-character line; now 2 µs).
  /^.{3,}[^\p{L}](пишет|написал|написала|написал\(а\)|wrote|жазды|жазған)\s*:$/u,
  /^\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,80}(пишет|написал|wrote|жазды).{0,10}$/,
];

/** Lines that start a signature. */
const SIGNATURE_LINES: readonly RegExp[] = [
  /^--\s*$/, // RFC 3676 "-- " delimiter
  /^(best|kind|warm)?\s*regards,?$/,
  /^(best|kind|warm) regards\b.{0,60}$/,
  /^(thanks|thank you|many thanks)( and (best )?regards)?,?$/,
  /^sincerely,?$/,
  /^cheers,?$/,
  /^с уважением(?!\p{L}).{0,60}$/u,
  /^с наилучшими пожеланиями(?!\p{L}).{0,40}$/u,
  /^(спасибо|заранее спасибо|благодарю),?$/u,
  /^құрметпен(?!\p{L}).{0,60}$/u,
  /^(рахмет|алдын ала рахмет),?$/u,
  /^sent from my \w+.{0,40}$/,
  /^(отправлено|послано) (с|из|со) (моего )?\p{L}+.{0,40}$/u,
  /^get outlook for \w+$/,
  /^(менің )?\p{L}+ (құрылғысынан|арқылы) жіберілді$/u,
];

/** Inline (same line) markers: text after them is dropped. */
const INLINE_CUTS: readonly RegExp[] = [
  /\s-{3,}\s*(original message|исходное сообщение|forwarded message|пересылаемое сообщение)\s*-{3,}/,
  /\s(sent from my (iphone|ipad|android|samsung|galaxy|mobile|phone|huawei|xiaomi))\b/,
  /\s(отправлено (с|из|со) (iphone|ipad|android|мобильного|моего))(?!\p{L})/u,
  /\s(от|from):\s*\S+@\S+\s+(отправлено|sent):/,
];

function trimQuotesAndSignatures(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let seenContent = false;
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line.startsWith('>')) {
      // quoted line: skip it (do not stop: inline replies may continue afterwards)
      continue;
    }
    if (seenContent && line.length > 0) {
      let cut = false;
      for (const re of REPLY_HEADER_LINES) if (re.test(line)) { cut = true; break; }
      if (!cut) for (const re of SIGNATURE_LINES) if (re.test(line)) { cut = true; break; }
      if (cut) break;
    }
    if (line.length > 0) seenContent = true;
    kept.push(line);
  }
  let out = kept.join('\n');
  for (const re of INLINE_CUTS) {
    const m = re.exec(out);
    if (m && m.index > 0) out = out.slice(0, m.index);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Placeholders
// ---------------------------------------------------------------------------------------------

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const URL_RE = /\b(?:(?:https?|ftp|file):\/\/|www\.)[^\s<>"'«»]+|\\\\[\w.$-]+(?:\\[^\s\\]+)+/giu;
// Kazakh numbers: +7 7xx xxx xx xx, 8 (7xx) xxx-xx-xx, 87xxxxxxxxx, 8 727 xxx xx xx;
// international: +CC followed by 6..14 digits with separators.
const PHONE_RE =
  /(?<![\p{L}\p{N}])(?:\+7|8)[\s\-.]*\(?\d{3}\)?[\s\-.]*\d{3}[\s\-.]*\d{2}[\s\-.]*\d{2}(?![\p{L}\p{N}])|(?<![\p{L}\p{N}+])\+\d{1,3}(?:[\s\-.]*\(?\d{1,4}\)?){2,5}(?![\p{L}\p{N}])/gu;
const LONG_NUM_RE = /(?<![\p{L}_])\d{5,}(?![\p{L}_])/gu;

function replacePlaceholders(s: string): string {
  if (s.indexOf('@') >= 0) s = s.replace(EMAIL_RE, ' __email__ ');
  if (/:\/\/|www\.|\\\\/i.test(s)) s = s.replace(URL_RE, ' __url__ ');
  s = s.replace(PHONE_RE, (m) => {
    const digits = m.replace(/\D/g, '').length;
    return digits >= 10 && digits <= 15 ? ' __phone__ ' : m;
  });
  s = s.replace(LONG_NUM_RE, ' __num__ ');
  return s;
}

/** Case folding: lower case + ё→е (Russian writers use them interchangeably). */
export function foldCase(s: string): string {
  return s.toLowerCase().replace(/ё/g, 'е');
}

/**
 * Prepare a raw ticket for language detection and classification.
 * Steps: HTML → text, NFKC, case fold (+ё→е), trim quoted replies and signatures,
 * e-mail/URL/phone/long-number placeholders, whitespace collapse.
 */
export function prepareText(raw: string): string {
  if (!raw) return '';
  let s = String(raw);
  s = s.replace(/\r\n?/g, '\n');
  s = stripHtml(s);
  s = s.normalize('NFKC');
  // invisible characters that survive NFKC
  s = s.replace(/[\u00ad\u200b-\u200f\u2060\ufeff]/g, '');
  s = s.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]/g, ' ');
  s = foldCase(s);
  s = trimQuotesAndSignatures(s);
  s = replacePlaceholders(s);
  s = s.replace(/\s+/g, ' ').trim();
  return s;
}

// Words: letters (any script, incl. Kazakh әғқңөұүһі), digits, inner apostrophes/hyphens are
// split; placeholders are kept whole.
const TOKEN_RE = /__(?:email|url|phone|num)__|[\p{L}\p{M}\p{N}]+/gu;

/** Split a prepared text into tokens (words incl. Cyrillic/Kazakh letters, digits, placeholders). */
export function tokenize(prepared: string): string[] {
  return prepared.match(TOKEN_RE) ?? [];
}
