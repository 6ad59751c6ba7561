import { responseImport } from '../../services/reference/responses.ts';
import type { CommandContext } from '../context.ts';
import { runImport, type ImportOptions } from '../reference.ts';

export async function responsesImport(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  await runImport(ctx, file, options, responseImport);
}
