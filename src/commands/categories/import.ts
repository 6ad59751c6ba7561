import { categoryImport } from '../../services/reference/categories.ts';
import type { CommandContext } from '../context.ts';
import { runImport, type ImportOptions } from '../reference.ts';

export async function categoriesImport(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  await runImport(ctx, file, options, categoryImport);
}
