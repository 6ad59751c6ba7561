import { addDepartment, parseDepartment } from '../../services/reference/departments.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, confirmAnswers, flagLabels, reportSaved, requireFlags } from '../reference.ts';

export interface DepartmentAddOptions {
  name?: string;
  description?: string;
  active?: boolean;
  json?: boolean;
}

const label = flagLabels({});

export async function departmentsAdd(ctx: CommandContext, options: DepartmentAddOptions): Promise<void> {
  requireFlags(ctx, [[options.name, '--name']]);
  const given = { name: options.name, description: options.description, active: options.active };
  parseDepartment(given, label); // everything given is checked before the database is opened
  const row = await withDatabase(ctx, async (db) => {
    const ask = asker(ctx);
    const name = await ask.text(options.name, '--name', 'Name of the new department', (v) => parseDepartment({ name: v }, label));
    const patch = parseDepartment({ ...given, name }, label);
    if (!(await confirmAnswers(ctx, ask, `Add department "${patch.name}"?`))) return null;
    return addDepartment(db.em, patch, label);
  });
  if (row) reportSaved(ctx, options, 'department', `"${row.name}"`, 'created', row);
}
