import { listUsers, type UserRow } from '../../services/reference/users.ts';
import { userKindValue } from '../../services/reference/values.ts';
import type { CommandContext } from '../context.ts';
import { runList, type ListOptions, type ListView } from '../reference.ts';

export const usersView: ListView<UserRow> = {
  plural: 'users',
  table: [
    { header: 'email', value: (u) => u.email },
    { header: 'name', value: (u) => u.name },
    { header: 'phone', value: (u) => u.phone },
    { header: 'kind', value: (u) => u.kind },
    { header: 'language', value: (u) => u.preferredLanguage },
    { header: 'tickets', value: (u) => u.tickets, align: 'right' },
    { header: 'open', value: (u) => u.openTickets, align: 'right' },
  ],
  fields: ['email', 'name', 'phone', 'kind', 'preferredLanguage', 'tickets', 'openTickets'],
};

export async function usersList(ctx: CommandContext, options: ListOptions & { kind?: string }): Promise<void> {
  const kind = userKindValue(options.kind, '--kind');
  await runList(ctx, options, usersView, (em) => listUsers(em, { kind }));
}
