import { Migration } from '@mikro-orm/migrations';
import { auditSql, isPglite, syncRoles } from '../src/db/roles.ts';

/**
 * The audit trail (table and triggers, both backends), the logins tied to operators, and on a
 * PostgreSQL server the roles, grants, row-level security and redacting views
 * (src/db/roles.ts). On the embedded database (one local superuser) the role part is skipped.
 */
export class Migration20261202060000_roles_and_audit extends Migration {

  override name = 'Migration20261202060000_roles_and_audit';

  override async up(): Promise<void> {
    const exec = (text: string) => this.execute(text) as Promise<Record<string, unknown>[]>;
    await exec(`create table "audit_log" ("id" bigserial primary key, "at" timestamptz not null default now(), "login" varchar(63) not null, "table_name" varchar(63) not null, "action" varchar(16) not null, "row_id" varchar(64) null, "ticket_id" uuid null, "old_values" jsonb null, "new_values" jsonb null, "command" varchar(200) null);`);
    await exec(`create index "audit_log_at_idx" on "audit_log" ("at");`);
    await exec(`create index "audit_log_ticket_idx" on "audit_log" ("ticket_id");`);

    await exec(`create table "operator_logins" ("login" varchar(63) not null, "operator_id" uuid not null, "created_at" timestamptz not null default now(), primary key ("login"));`);
    await exec(`create index "operator_logins_operator_idx" on "operator_logins" ("operator_id");`);
    await exec(`alter table "operator_logins" add constraint "operator_logins_operator_id_foreign" foreign key ("operator_id") references "operators" ("id") on delete cascade;`);

    const server = !(await isPglite(exec));
    for (const statement of auditSql(server)) await exec(statement);
    // Roles, grants, owners (the audit function's too), policies and views.
    if (server) await syncRoles(exec);
  }

  override async down(): Promise<void> {
    const exec = (text: string) => this.execute(text) as Promise<Record<string, unknown>[]>;
    if (!(await isPglite(exec))) {
      await exec(`drop schema if exists helpdesk_redacted cascade`);
      for (const table of ['tickets', 'users', 'ai_predictions', 'ticket_messages']) {
        await exec(`alter table "${table}" disable row level security`);
        for (const policy of ['helpdesk_all', 'helpdesk_agent_select', 'helpdesk_agent_update', 'helpdesk_agent_insert']) await exec(`drop policy if exists ${policy} on "${table}"`);
      }
    }
    for (const table of ['tickets', 'ticket_messages', 'ai_predictions', 'departments', 'operators', 'categories', 'ai_auto_responses', 'users', 'ml_models']) {
      await exec(`drop trigger if exists helpdesk_audit on "${table}"`);
    }
    await exec(`drop table if exists "audit_log" cascade;`);
    await exec(`drop table if exists "operator_logins" cascade;`);
    await exec(`drop function if exists helpdesk_audit(), helpdesk_sees_all(), helpdesk_my_departments(), helpdesk_ticket_exists(text), helpdesk_redact(text)`);
  }

}
