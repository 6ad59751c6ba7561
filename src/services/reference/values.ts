import { EMAIL_MAX, normaliseEmail } from '../email.ts';
import { LANGUAGES, PRIORITIES, USER_KINDS, type Language, type Priority, type UserKind } from '../../entities/enums.ts';
import { InputError } from '../../errors.ts';
import { previewValue } from '../text/preview.ts';

// Validation of the values admins type as flags or put in import files. Each takes a label
// ("--capacity" for a flag, "capacity" for a file field) so one set of rules serves both, and
// returns undefined when the value is absent, so that the same parser serves add and update.

/** Names the field a value came from: the flag on the command line, the column in a file. */
export type Label = (field: string) => string;

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : previewValue(value));

function bad(label: string, what: string, value: unknown): never {
  throw new InputError(`${label} must be ${what} (got ${show(value)})`);
}

/**
 * PostgreSQL text cannot hold NUL (the driver fails with a protocol error on both backends), and
 * no other control character belongs in a name; free text may keep tabs and line breaks.
 */
const NAME_CONTROL = /[\u0000-\u001f\u007f]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function noControl(text: string, label: string, pattern: RegExp): string {
  const found = pattern.exec(text);
  if (found) throw new InputError(`${label} must not contain control characters (U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at character ${found.index + 1})`);
  return text;
}

/** A name: trimmed, NFC, not empty, without control characters, at most `max` characters. */
export function nameValue(value: unknown, label: string, max = 120): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') bad(label, 'text', value);
  // NFC: "Naïve" typed with a combining diaeresis (NFD, as macOS file names are) is the same name.
  const name = noControl(value.trim().normalize('NFC'), label, NAME_CONTROL);
  if (name === '') throw new InputError(`${label} must not be empty`);
  if (name.length > max) throw new InputError(`${label} is longer than ${max} characters`);
  return name;
}

/** Optional text: an empty string (or null) clears it. */
export function optionalText(value: unknown, label: string, max?: number): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') bad(label, 'text', value);
  const text = noControl(value.trim().normalize('NFC'), label, TEXT_CONTROL);
  if (max !== undefined && text.length > max) throw new InputError(`${label} is longer than ${max} characters`);
  return text === '' ? null : text;
}

/** Free text that must not be empty (an answer template): kept as written, not trimmed. */
export function requiredText(value: unknown, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') bad(label, 'text', value);
  if (value.trim() === '') throw new InputError(`${label} must not be empty`);
  return noControl(value.normalize('NFC'), label, TEXT_CONTROL);
}

export function emailValue(value: unknown, label: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim().length > EMAIL_MAX) throw new InputError(`${label} is longer than ${EMAIL_MAX} characters`);
  const email = typeof value === 'string' ? normaliseEmail(value) : null;
  if (email === null) bad(label, 'an e-mail address', value);
  noControl(value as string, label, NAME_CONTROL);
  return email;
}

export function booleanValue(value: unknown, label: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (['true', 'yes', '1'].includes(text)) return true;
    if (['false', 'no', '0'].includes(text)) return false;
  }
  return bad(label, 'true or false', value);
}

/** The largest value of a PostgreSQL `integer` column (capacity is one). */
export const INT32_MAX = 2_147_483_647;

export function positiveInteger(value: unknown, label: string, max = INT32_MAX): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number <= 0) bad(label, 'a positive integer', value);
  if (number > max) bad(label, `a positive integer up to ${max}`, value);
  return number;
}

function oneOf<T extends string>(allowed: readonly T[], what: string, value: unknown, label: string): T | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof text !== 'string' || !(allowed as readonly string[]).includes(text)) {
    throw new InputError(`${label}: unknown ${what} ${show(value)} (one of ${allowed.join(', ')})`);
  }
  return text as T;
}

export const languageValue = (value: unknown, label: string): Language | undefined => oneOf(LANGUAGES, 'language', value, label);
export const priorityValue = (value: unknown, label: string): Priority | undefined => oneOf(PRIORITIES, 'priority', value, label);
export const userKindValue = (value: unknown, label: string): UserKind | undefined => oneOf(USER_KINDS, 'kind', value, label);

/** A language that may be cleared with an empty value. */
export function optionalLanguage(value: unknown, label: string): Language | null | undefined {
  if (value === null || value === '') return null;
  return languageValue(value, label);
}

/** A list of languages: a JSON array, or text separated by commas, semicolons or spaces. */
export function languagesValue(value: unknown, label: string): Language[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,;]+/).filter(Boolean) : bad(label, 'a list of languages', value);
  if (items.length === 0) throw new InputError(`${label} must name at least one language (${LANGUAGES.join(', ')})`);
  const languages = items.map((item) => languageValue(item, label) as Language);
  // Stored in the canonical order, once each, so that lists compare and round-trip exactly.
  return LANGUAGES.filter((l) => languages.includes(l));
}

/** A list of texts: a JSON array, or one item per line. Empty items are dropped. */
export function textList(value: unknown, label: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/\r?\n/) : bad(label, 'a list of texts', value);
  return items.map((item) => {
    if (typeof item !== 'string') bad(label, 'a list of texts', value);
    return noControl(item.trim().normalize('NFC'), label, TEXT_CONTROL);
  }).filter((item) => item !== '');
}

/** Natural keys compare after NFC, without case and surrounding spaces. */
export const naturalKey = (text: string): string => text.trim().normalize('NFC').toLowerCase();
