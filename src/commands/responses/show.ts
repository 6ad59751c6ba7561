import { findResponse, showResponse } from '../../services/reference/responses.ts';
import type { CommandContext } from '../context.ts';
import { runShow, yesNo } from '../reference.ts';
import { resolveResponse } from './find.ts';

export async function responsesShow(ctx: CommandContext, name: string | undefined, options: { json?: boolean; language?: string }): Promise<void> {
  await runShow(
    ctx,
    name,
    'NAME',
    options,
    async (em, ask) => {
      const key = await resolveResponse(em, ask, name, options.language);
      await findResponse(em, key.name, key.language);
      return showResponse(em, key.name, key.language);
    },
    (r) => [
      ['name', r.name],
      ['language', r.language],
      ['category', r.category],
      ['trigger examples', r.triggerExamples.join(' | ')],
      ['answer', r.answer],
      ['active', yesNo(r.active)],
      ['times used', r.timesUsed],
      ['created', r.createdAt],
      ['updated', r.updatedAt],
    ],
  );
}
