import { parseResponse, showResponse, updateResponse } from '../../services/reference/responses.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, reportSaved, requireChanges, requireFlags } from '../reference.ts';
import { responseFlags, responseLabel, type ResponseAddOptions } from './add.ts';
import { resolveResponse, showKey } from './find.ts';

export async function responsesUpdate(ctx: CommandContext, current: string | undefined, options: ResponseAddOptions): Promise<void> {
  requireFlags(ctx, [[current, 'NAME']]);
  // --language chooses which template; it is not something update changes.
  const patch = parseResponse({ ...responseFlags(options), language: undefined }, responseLabel);
  requireChanges(patch, ['--name', '--category', '--trigger', '--answer', '--active', '--no-active']);
  const { outcome, row } = await withDatabase(ctx, async (db) => {
    const key = await resolveResponse(db.em, asker(ctx), current, options.language);
    const outcome = await updateResponse(db.em, key.name, key.language, patch, responseLabel);
    return { outcome, row: await showResponse(db.em, patch.name ?? key.name, key.language) };
  });
  reportSaved(ctx, options, 'answer template', showKey(row), outcome, row);
}
