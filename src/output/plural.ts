/**
 * "1 ticket", "2 tickets", "0 tickets": a count with its noun, right in every message.
 * `format` writes the number (e.g. with thousands separators).
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`, format: (n: number) => string = String): string {
  return `${format(n)} ${Math.abs(n) === 1 ? singular : pluralForm}`;
}
