import { findResponse, removeResponse } from '../../services/reference/responses.ts';
import type { CommandContext } from '../context.ts';
import { runRemove, type RemoveOptions } from '../reference.ts';
import { resolveResponse, showKey } from './find.ts';

export async function responsesRemove(ctx: CommandContext, name: string | undefined, options: RemoveOptions & { language?: string }): Promise<void> {
  await runRemove(ctx, name, options, {
    noun: 'answer template',
    keyName: 'NAME',
    async find(em, ask) {
      const key = await resolveResponse(em, ask, name, options.language);
      const response = await findResponse(em, key.name, key.language);
      return { name: response.name, language: response.language };
    },
    display: showKey,
    remove: (em, key) => removeResponse(em, key.name, key.language),
  });
}
