import { addUser, parseUser } from '../../services/reference/users.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, confirmAnswers, flagLabels, reportSaved, requireFlags } from '../reference.ts';

export interface UserAddOptions {
  email?: string;
  name?: string;
  phone?: string;
  kind?: string;
  language?: string;
  json?: boolean;
}

export const userLabel = flagLabels({ preferredLanguage: '--language' });

export const userFlags = (options: UserAddOptions) => ({
  email: options.email,
  name: options.name,
  phone: options.phone,
  kind: options.kind,
  preferredLanguage: options.language,
});

export async function usersAdd(ctx: CommandContext, options: UserAddOptions): Promise<void> {
  requireFlags(ctx, [[options.email, '--email']]);
  parseUser(userFlags(options), userLabel); // everything given is checked before the database is opened
  const row = await withDatabase(ctx, async (db) => {
    const ask = asker(ctx);
    const email = await ask.text(options.email, '--email', 'E-mail', (v) => parseUser({ email: v }, userLabel));
    const patch = parseUser({ ...userFlags(options), email }, userLabel);
    if (!(await confirmAnswers(ctx, ask, `Add user ${patch.email}?`))) return null;
    return addUser(db.em, patch, userLabel);
  });
  if (row) reportSaved(ctx, options, 'user', row.email, 'created', row);
}
