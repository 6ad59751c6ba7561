import { departmentImport } from '../../services/reference/departments.ts';
import type { CommandContext } from '../context.ts';
import { runImport, type ImportOptions } from '../reference.ts';

export async function departmentsImport(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  await runImport(ctx, file, options, departmentImport);
}
