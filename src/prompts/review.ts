import type { Prompter } from './prompter.ts';

/** The questions of `tickets review`. Answers are values, so tests script them by value. */

export type ReviewAction = 'accept' | 'correct' | 'skip' | 'quit';

export function askReviewAction(prompter: Prompter, ticketNumber: number): Promise<ReviewAction> {
  return prompter.select<ReviewAction>(`#${ticketNumber}: is the AI right?`, [
    { name: 'accept: the prediction is right', value: 'accept' },
    { name: 'correct the category or department', value: 'correct' },
    { name: 'skip: decide later', value: 'skip' },
    { name: 'quit', value: 'quit' },
  ]);
}

/** Categories with their department; the predicted one first. */
export function askCategory(prompter: Prompter, categories: { name: string; department: string }[], predicted: string | null): Promise<string> {
  const ordered = [...categories].sort((a, b) => Number(b.name === predicted) - Number(a.name === predicted) || a.name.localeCompare(b.name));
  return prompter.select<string>(
    'Category',
    ordered.map((c) => ({ name: `${c.name} (${c.department})${c.name === predicted ? ' - predicted' : ''}`, value: c.name })),
  );
}

/** Departments; the suggested one (the category's default) first. */
export function askDepartment(prompter: Prompter, departments: string[], suggested: string, why: string): Promise<string> {
  const ordered = [suggested, ...departments.filter((d) => d !== suggested).sort((a, b) => a.localeCompare(b))];
  return prompter.select<string>(
    'Department',
    ordered.map((d) => ({ name: d === suggested ? `${d} - ${why}` : d, value: d })),
  );
}
