import { checkRemovable, findDepartment, removeDepartment } from '../../services/reference/departments.ts';
import { departmentChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { runRemove, type RemoveOptions } from '../reference.ts';

export interface DepartmentRemoveOptions extends RemoveOptions {
  reassignTo?: string;
}

export async function departmentsRemove(ctx: CommandContext, name: string | undefined, options: DepartmentRemoveOptions): Promise<void> {
  await runRemove(ctx, name, options, {
    noun: 'department',
    keyName: 'NAME',
    async find(em, ask) {
      const department = await findDepartment(em, await ask.pick(name, 'NAME', 'Which department?', () => departmentChoices(em)));
      // Dependents and nowhere to move them: fail before asking anything.
      await checkRemovable(em, department, options.reassignTo);
      return department.name;
    },
    display: (key) => `"${key}"`,
    question: (shown) => (options.reassignTo ? `Move everything in department ${shown} to "${options.reassignTo}" and remove it?` : `Remove department ${shown}?`),
    remove: (em, key) => removeDepartment(em, key, { reassignTo: options.reassignTo }),
  });
}
