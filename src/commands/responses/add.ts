import { addResponse, parseResponse } from '../../services/reference/responses.ts';
import { categoryChoices, languageChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, confirmAnswers, flagLabels, reportSaved, requireFlags } from '../reference.ts';
import { showKey } from './find.ts';

export interface ResponseAddOptions {
  name?: string;
  category?: string;
  language?: string;
  trigger?: string[];
  answer?: string;
  active?: boolean;
  json?: boolean;
}

export const responseLabel = flagLabels({ triggerExamples: '--trigger' });

export const responseFlags = (options: ResponseAddOptions) => ({
  name: options.name,
  category: options.category,
  language: options.language,
  triggerExamples: options.trigger,
  answer: options.answer,
  active: options.active,
});

export async function responsesAdd(ctx: CommandContext, options: ResponseAddOptions): Promise<void> {
  requireFlags(ctx, [[options.name, '--name'], [options.category, '--category'], [options.language, '--language'], [options.answer, '--answer']]);
  parseResponse(responseFlags(options), responseLabel); // everything given is checked before the database is opened
  const check = (field: string) => (value: string) => parseResponse({ [field]: value }, responseLabel);
  const row = await withDatabase(ctx, async (db) => {
    const ask = asker(ctx);
    const patch = parseResponse(
      {
        ...responseFlags(options),
        name: await ask.text(options.name, '--name', 'Name of the answer template', check('name')),
        category: await ask.pick(options.category, '--category', 'Category', () => categoryChoices(db.em)),
        language: await ask.pick(options.language, '--language', 'Language', async () => languageChoices()),
        answer: await ask.text(options.answer, '--answer', 'Answer (placeholders: {{ticket_number}}, {{client_name}}, {{subject}}, {{category}}, {{department}})', check('answer')),
      },
      responseLabel,
    );
    if (!(await confirmAnswers(ctx, ask, `Add answer template ${showKey({ name: patch.name!, language: patch.language! })} to category "${patch.category}"?`))) return null;
    return addResponse(db.em, patch, responseLabel);
  });
  if (row) reportSaved(ctx, options, 'answer template', showKey(row), 'created', row);
}
