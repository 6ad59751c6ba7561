import { renderJson, renderTable } from '../../output/render.ts';
import { grantRole, revokeRole, syncAndListRoles, type RoleMember } from '../../services/roles.ts';
import { isTerminal, note, print, withDatabase, type CommandContext } from '../context.ts';

export async function dbRoles(ctx: CommandContext, options: { json?: boolean }): Promise<void> {
  const report = await withDatabase(ctx, syncAndListRoles);
  if (options.json) {
    print(ctx, renderJson(report));
    return;
  }
  const tty = isTerminal(ctx);
  print(
    ctx,
    renderTable(
      [
        { header: 'role', value: (r: (typeof report.roles)[number]) => r.name },
        { header: 'members', value: (r) => r.members.join(', ') },
        { header: 'may', value: (r) => r.purpose },
      ],
      report.roles,
      { tty, style: ctx.out },
    ),
  );
  if (report.logins.length > 0) {
    print(ctx, '\n');
    print(
      ctx,
      renderTable(
        [
          { header: 'login', value: (m: RoleMember) => m.login + (m.canLogin ? '' : ' (no login)') },
          { header: 'roles', value: (m) => m.roles.join(', ') },
          { header: 'operator', value: (m) => m.operator },
          { header: 'department', value: (m) => m.department },
        ],
        report.logins,
        { tty, style: ctx.out },
      ),
    );
  } else note(ctx, 'no login holds a helpdesk role yet: `helpdesk db grant LOGIN ROLE`');
}

export async function dbGrant(ctx: CommandContext, login: string, role: string, options: { operator?: string; json?: boolean }): Promise<void> {
  const result = await withDatabase(ctx, (db) => grantRole(db, login, role, options.operator));
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  const tie = result.operator ? ` (operator ${result.operator}, department ${result.department})` : '';
  print(ctx, `${result.changed ? ctx.out.ok('✓') + ' ' : ''}${result.login}: ${result.role}${tie}${result.changed ? '' : ', unchanged'}\n`);
  if (result.role === 'helpdesk_agent' && !result.operator) {
    note(ctx, `warning: ${result.login} is not tied to an operator and sees no tickets: \`helpdesk db grant ${result.login} helpdesk_agent --operator EMAIL\``);
  }
}

export async function dbRevoke(ctx: CommandContext, login: string, role: string, options: { json?: boolean }): Promise<void> {
  const result = await withDatabase(ctx, (db) => revokeRole(db, login, role));
  if (options.json) print(ctx, renderJson(result));
  else print(ctx, result.changed ? `${ctx.out.ok('✓')} ${result.login}: ${result.role} revoked\n` : `${result.login} does not hold ${result.role}: nothing changed\n`);
}
