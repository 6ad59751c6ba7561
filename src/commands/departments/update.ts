import { parseDepartment, showDepartment, updateDepartment } from '../../services/reference/departments.ts';
import { departmentChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, flagLabels, reportSaved, requireChanges, requireFlags } from '../reference.ts';

export interface DepartmentUpdateOptions {
  name?: string;
  description?: string;
  active?: boolean;
  json?: boolean;
}

const label = flagLabels({});

export async function departmentsUpdate(ctx: CommandContext, current: string | undefined, options: DepartmentUpdateOptions): Promise<void> {
  requireFlags(ctx, [[current, 'NAME']]);
  const patch = parseDepartment({ name: options.name, description: options.description, active: options.active }, label);
  requireChanges(patch, ['--name', '--description', '--active', '--no-active']);
  const { outcome, row } = await withDatabase(ctx, async (db) => {
    const name = await asker(ctx).pick(current, 'NAME', 'Which department?', () => departmentChoices(db.em));
    const outcome = await updateDepartment(db.em, name, patch, label);
    return { outcome, row: await showDepartment(db.em, patch.name ?? name) };
  });
  reportSaved(ctx, options, 'department', `"${row.name}"`, outcome, row);
}
