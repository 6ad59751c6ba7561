import { operatorImport } from '../../services/reference/operators.ts';
import type { CommandContext } from '../context.ts';
import { runImport, type ImportOptions } from '../reference.ts';

export async function operatorsImport(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  await runImport(ctx, file, options, operatorImport);
}
