import { parseUser, showUser, updateUser } from '../../services/reference/users.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, reportSaved, requireChanges, requireFlags } from '../reference.ts';
import { userFlags, userLabel, type UserAddOptions } from './add.ts';

export async function usersUpdate(ctx: CommandContext, current: string | undefined, options: UserAddOptions): Promise<void> {
  requireFlags(ctx, [[current, 'EMAIL']]);
  const patch = parseUser(userFlags(options), userLabel);
  requireChanges(patch, ['--email', '--name', '--phone', '--kind', '--language']);
  const { outcome, row } = await withDatabase(ctx, async (db) => {
    const email = await asker(ctx).text(current, 'EMAIL', 'E-mail of the user');
    const outcome = await updateUser(db.em, email, patch, userLabel);
    return { outcome, row: await showUser(db.em, patch.email ?? email) };
  });
  reportSaved(ctx, options, 'user', row.email, outcome, row);
}
