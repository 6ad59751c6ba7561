/**
 * One e-mail parser for users, operators, tickets and imports: an address is stored and compared
 * in one form, trimmed and lower-cased (the unique indexes are on lower(email) as well), so
 * "Aigerim@Example.KZ" given anywhere is the same person as "aigerim@example.kz".
 */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const EMAIL_MAX = 320;

/** The stored form of an address, or null when it is not one (or is over 320 characters). */
export function normaliseEmail(value: string): string | null {
  const text = value.trim();
  if (text.length > EMAIL_MAX || !EMAIL.test(text)) return null;
  return text.toLowerCase();
}
