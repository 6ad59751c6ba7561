import { InputError } from '../../errors.ts';

/** Placeholders an answer template may use, and what fills them at send time. */
export const PLACEHOLDERS = ['ticket_number', 'client_name', 'subject', 'category', 'department'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Names used in a template, in order of appearance. */
export function placeholdersIn(answer: string): string[] {
  return [...answer.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1] ?? '');
}

/** Checked when a template is saved, so that an unknown placeholder never reaches a client. */
export function validateTemplate(answer: string, where: string): void {
  if (!answer.trim()) throw new InputError(`${where}: answer is empty`);
  const unknown = placeholdersIn(answer).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InputError(`${where}: unknown placeholder {{${unknown[0]}}} (known: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`);
  }
  const stray = answer.replace(PLACEHOLDER_PATTERN, '');
  if (stray.includes('{{') || stray.includes('}}')) throw new InputError(`${where}: unbalanced {{ }} in answer`);
}

/**
 * Fills the placeholders. A placeholder without a value (a ticket without a user has no
 * {{client_name}}) is taken out with the space and comma that lead to it, so the greeting stays
 * a sentence: "Hello {{client_name}}," -> "Hello,", "Здравствуйте, {{client_name}}!" ->
 * "Здравствуйте!"; at the start of a line, with the punctuation that follows it instead.
 */
export function renderTemplate(answer: string, values: Record<Placeholder, string>): string {
  const value = (name: string): string => (values[name as Placeholder] ?? '').trim();
  return answer
    .replace(/(^|[^\n])[ \t]*,?[ \t]*\{\{\s*([^{}]*?)\s*\}\}/g, (whole, before: string, name: string) =>
      value(name) === '' && before !== '' ? before : whole,
    )
    .replace(/(^|\n)\{\{\s*([^{}]*?)\s*\}\}[,;:]?[ \t]*/g, (whole, start: string, name: string) => (value(name) === '' ? start : whole))
    .replace(PLACEHOLDER_PATTERN, (_, name: string) => values[name as Placeholder] ?? '');
}
