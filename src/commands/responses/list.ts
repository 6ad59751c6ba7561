import { listResponses, type ResponseRow } from '../../services/reference/responses.ts';
import { languageValue } from '../../services/reference/values.ts';
import type { CommandContext } from '../context.ts';
import { runList, yesNo, type ListOptions, type ListView } from '../reference.ts';

const short = (text: string, width = 60): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
};

export const responsesView: ListView<ResponseRow> = {
  plural: 'answer templates',
  table: [
    { header: 'name', value: (r) => r.name },
    { header: 'language', value: (r) => r.language },
    { header: 'category', value: (r) => r.category },
    { header: 'triggers', value: (r) => r.triggerExamples.length, align: 'right' },
    { header: 'used', value: (r) => r.timesUsed, align: 'right' },
    { header: 'active', value: (r) => yesNo(r.active) },
    { header: 'answer', value: (r) => short(r.answer) },
  ],
  fields: ['name', 'language', 'category', 'triggerExamples', 'answer', 'active', 'timesUsed'],
};

export async function responsesList(ctx: CommandContext, options: ListOptions & { category?: string; language?: string }): Promise<void> {
  const language = languageValue(options.language, '--language');
  await runList(ctx, options, responsesView, (em) => listResponses(em, { category: options.category, language }));
}
