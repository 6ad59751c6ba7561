import { hash } from 'node:crypto';

/** Longest subject derived from a body (the column allows 500). */
export const DERIVED_SUBJECT_LENGTH = 100;
export const SUBJECT_MAX = 500;

/** Lower case, Unicode NFC, runs of whitespace as one space, trimmed: what "same text" means. */
export function normaliseText(text: string): string {
  // Same as replacing every run of whitespace (/\s+/g) by one space, but a lone space, by far the
  // most common run, is not matched and rebuilt.
  const folded = text.toLowerCase().replace(/\s{2,}|[^\S ]/g, ' ').trim();
  // NFC changes nothing in text made only of Latin (up to U+02FF) and Cyrillic letters without
  // the combining Cyrillic marks (checked for every pair of them): skip it there, since it is
  // most of the cost of hashing Russian and Kazakh text in bulk.
  return NFC_UNCHANGED.test(folded) ? folded : folded.normalize('NFC');
}

const NFC_UNCHANGED = /^[\u0000-\u02ff\u0400-\u0482\u048a-\u04ff]*$/;

/** tickets.content_hash: SHA-256 (hex) of the normalised subject and body. */
export function contentHash(subject: string, body: string): string {
  return hash('sha256', `${normaliseText(subject)}\n${normaliseText(body)}`);
}

/**
 * A subject for a ticket that came without one: the body's first non-empty line, whitespace
 * collapsed, cut at a word boundary to at most DERIVED_SUBJECT_LENGTH characters ("…" marks a cut).
 */
export function deriveSubject(body: string): string {
  let line = '';
  for (const candidate of body.split(/\r?\n|\r/)) {
    line = candidate.replace(/\s+/g, ' ').trim();
    if (line) break;
  }
  if (line.length <= DERIVED_SUBJECT_LENGTH) return line;
  const cut = line.slice(0, DERIVED_SUBJECT_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return (space >= DERIVED_SUBJECT_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd() + '…';
}

/** The text a training sample holds: the body alone when the subject was derived from it. */
export function sampleText(subject: string, body: string): string {
  return subject === deriveSubject(body) ? body : `${subject}\n${body}`;
}
