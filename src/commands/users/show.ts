import { showUser } from '../../services/reference/users.ts';
import type { CommandContext } from '../context.ts';
import { runShow } from '../reference.ts';

export async function usersShow(ctx: CommandContext, email: string | undefined, options: { json?: boolean }): Promise<void> {
  await runShow(
    ctx,
    email,
    'EMAIL',
    options,
    async (em, ask) => showUser(em, await ask.text(email, 'EMAIL', 'E-mail of the user')),
    (u) => [
      ['email', u.email],
      ['name', u.name],
      ['phone', u.phone],
      ['kind', u.kind],
      ['language', u.preferredLanguage],
      ['tickets', `${u.tickets} (${u.openTickets} open)`],
      ['created', u.createdAt],
      ['updated', u.updatedAt],
    ],
  );
}
