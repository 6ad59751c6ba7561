// Who may do what, in the database itself: the four group roles, their grants, the row-level
// security of agents, the analysts' redacting views, and the audit trail's triggers. PostgreSQL
// enforces all of it, so psql as a login is held to the same rules as the tool.
//
// Decisions (README "Roles and audit"):
// - Role names are fixed (helpdesk_admin, ...), not per database: PostgreSQL roles belong to the
//   cluster, so every helpdesk database on one server shares them, and a login's membership holds
//   in each of them. What ties a login to an operator (and so to a department) is per database
//   (`operator_logins`). Several helpdesks on one server that must not see each other's data
//   keep their logins apart with CONNECT on the database (REVOKE CONNECT ... FROM PUBLIC).
// - CREATE ROLE is race-safe (parallel test runs and migrations on one server): a role another
//   session created first is fine (duplicate_object, or unique_violation while both commit).
// - On the embedded database (PGlite) there is one local user, a superuser: roles, grants,
//   policies and views would be meaningless and are not created. The audit trail is kept there
//   too (its login is always "postgres").
// - helpdesk_admin owns every table, view, sequence, type and function, so its members run
//   migrations and bypass row-level security as owners (RLS is enabled, not forced).

export const ROLES = ['helpdesk_admin', 'helpdesk_pipeline', 'helpdesk_agent', 'helpdesk_analyst'] as const;
export type HelpdeskRole = (typeof ROLES)[number];

export const ROLE_PURPOSE: Record<HelpdeskRole, string> = {
  helpdesk_admin: 'everything: migrations, reference data, models, imports, roles',
  helpdesk_pipeline: 'claim and decide tickets; write predictions, answers and statistics',
  helpdesk_agent: "read and update the tickets of their operator's department, add messages, confirm or correct predictions",
  helpdesk_analyst: 'read statistics, predictions and tickets through views without e-mail, phone or IIN; run exports',
};

/** The schema of the analysts' redacting views; an analyst login's search_path puts it first. */
export const REDACTED_SCHEMA = 'helpdesk_redacted';

type Sql = (text: string) => Promise<Record<string, unknown>[]>;

/** The embedded database names itself in version(). */
export async function isPglite(exec: Sql): Promise<boolean> {
  const [row] = await exec(`select version() as v`);
  return String(row?.v ?? '').includes('PGlite');
}

// ---------------------------------------------------------------------------------------------
// Audit trail (both backends)

/** Tables whose changes by a person are audited, and which operations. */
export const AUDITED: Record<string, string> = {
  tickets: 'insert or update or delete',
  ticket_messages: 'insert or update or delete',
  // The pipeline's own predictions are not changes a person makes: only reviews and deletions.
  ai_predictions: 'update or delete',
  departments: 'insert or update or delete',
  operators: 'insert or update or delete',
  categories: 'insert or update or delete',
  ai_auto_responses: 'insert or update or delete',
  users: 'insert or update or delete',
  ml_models: 'insert or update or delete',
  operator_logins: 'insert or update or delete',
};

/**
 * The audit trail's function and triggers. `server`: on a PostgreSQL server with the helpdesk
 * roles, only superusers, admins and the pipeline role may switch the audit off for their own
 * transaction (`helpdesk.audit = off`: the pipeline's decisions and the bulk import, which would
 * otherwise flood it); anyone else setting it is audited all the same. On the embedded database
 * (one local user, no roles) the tool's own switch is honoured.
 */
export function auditSql(server: boolean): string[] {
  const statements = [
    // One row per changed row, in the changing transaction. An update records only the columns
    // that changed (updated_at alone is no change); ml_models' artifact is left out (megabytes).
    `create or replace function helpdesk_audit() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
    declare
      o jsonb; n jsonb; k text; old_diff jsonb := '{}'; new_diff jsonb := '{}'; rid text; tid uuid;
    begin
      if tg_op <> 'INSERT' then o := to_jsonb(old) - 'artifact'; end if;
      if tg_op <> 'DELETE' then n := to_jsonb(new) - 'artifact'; end if;
      rid := coalesce(n ->> 'id', o ->> 'id', n ->> 'login', o ->> 'login');
      if tg_table_name = 'tickets' then tid := rid::uuid;
      elsif tg_table_name in ('ticket_messages', 'ai_predictions') then tid := coalesce(n ->> 'ticket_id', o ->> 'ticket_id')::uuid;
      end if;
      if tg_op = 'UPDATE' then
        for k in select jsonb_object_keys(n) loop
          if k <> 'updated_at' and (o -> k) is distinct from (n -> k) then
            old_diff := old_diff || jsonb_build_object(k, o -> k);
            new_diff := new_diff || jsonb_build_object(k, n -> k);
          end if;
        end loop;
        if new_diff = '{}'::jsonb then return null; end if;
        o := old_diff; n := new_diff;
      end if;
      insert into audit_log (at, login, table_name, action, row_id, ticket_id, old_values, new_values, command)
      values (now(), session_user, tg_table_name, lower(tg_op), rid, tid, o, n, nullif(current_setting('application_name', true), ''));
      return null;
    end $$`,
  ];
  // The WHEN clause keeps the cost of a switched-off audit (pipeline, import) to an expression per
  // row, not a PL/pgSQL call: pg_has_role is answered from the backend's membership cache (and is
  // true for superusers).
  const on = `coalesce(current_setting('helpdesk.audit', true), 'on') <> 'off'`;
  const when = server ? `${on} or not (pg_has_role(session_user, 'helpdesk_admin', 'member') or pg_has_role(session_user, 'helpdesk_pipeline', 'member'))` : on;
  for (const [table, events] of Object.entries(AUDITED)) {
    statements.push(`drop trigger if exists helpdesk_audit on "${table}"`);
    statements.push(`create trigger helpdesk_audit after ${events} on "${table}" for each row when (${when}) execute function helpdesk_audit()`);
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------
// Roles, grants, policies and views (PostgreSQL server only)

type Grants = Partial<Record<Exclude<HelpdeskRole, 'helpdesk_admin'>, string>>;

const TICKET_WORK_COLUMNS = 'status, priority, category_id, department_id, operator_id, updated_at, first_response_at, resolved_at, closed_at, human_fields';
const REVIEW_COLUMNS = 'review, corrected_category_id, corrected_department_id, corrected_priority, corrected_issue_type, reviewed_at';

/**
 * What each role may do per table (helpdesk_admin owns them all). A table missing here gets no
 * grant but the admin's: a migration that adds a table adds its line here, and `db migrate` /
 * `db roles` bring the grants up to date. Tables not yet created are skipped.
 */
export const TABLE_GRANTS: Record<string, Grants> = {
  tickets: { helpdesk_pipeline: 'select, update', helpdesk_agent: `select, update (${TICKET_WORK_COLUMNS})` },
  users: { helpdesk_pipeline: 'select', helpdesk_agent: 'select' },
  departments: { helpdesk_pipeline: 'select', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  // FOR UPDATE (the pipeline locks the operators it routes to) needs an UPDATE privilege.
  operators: { helpdesk_pipeline: 'select, update (updated_at)', helpdesk_agent: 'select' },
  categories: { helpdesk_pipeline: 'select', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  ml_models: { helpdesk_pipeline: 'select', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  ai_predictions: { helpdesk_pipeline: 'select, insert', helpdesk_agent: `select, update (${REVIEW_COLUMNS})`, helpdesk_analyst: 'select' },
  ai_auto_responses: { helpdesk_pipeline: 'select, update (times_used, updated_at)', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  ticket_messages: { helpdesk_pipeline: 'select, insert', helpdesk_agent: 'select, insert' },
  // An agent's ticket update keeps the statistics current in its own transaction, so agents add
  // to daily_stats (they cannot delete; `stats rebuild` recomputes it from the tickets).
  daily_stats: { helpdesk_pipeline: 'select, insert, update, delete', helpdesk_agent: 'select, insert, update', helpdesk_analyst: 'select' },
  // A correction records the ticket's text as a human sample: agents write samples and find
  // one by its hash (with its labels), without reading other texts.
  training_samples: {
    helpdesk_agent: 'select (id, content_hash, category, department, priority, issue_type), insert, update (text, language, category, priority, issue_type, department, label_source, ticket_id)',
  },
  operator_logins: { helpdesk_pipeline: 'select', helpdesk_agent: 'select' },
  audit_log: { helpdesk_agent: 'select' },
  helpdesk_migrations: { helpdesk_pipeline: 'select', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  // The statistics settings are read by everyone. The event stream is written by triggers that
  // run as their owner (below), so nobody needs to insert; followers and `sla check` read it.
  // Agents and analysts do not: events carry no row-level security.
  settings: { helpdesk_pipeline: 'select', helpdesk_agent: 'select', helpdesk_analyst: 'select' },
  ticket_events: { helpdesk_pipeline: 'select' },
};

/** Columns the analysts' views replace (everything else is passed through). */
export const REDACTED_VIEWS: Record<string, Record<string, string>> = {
  tickets: { subject: 'helpdesk_redact(subject)::varchar(500)', body: 'helpdesk_redact(body)' },
  users: { email: `'[email]'::varchar(320)`, name: 'null::varchar(200)', phone: 'null::varchar(40)' },
  ticket_messages: { body: 'helpdesk_redact(body)', author: 'helpdesk_redact(author)::varchar(320)' },
  training_samples: { text: 'helpdesk_redact(text)' },
  operators: { email: `'[email]'::varchar(320)` },
};

/** Who sees all rows of a table under row-level security; agents see their department's. */
const SEES_ALL = `(select helpdesk_sees_all())`;
const MY_TICKET = (column: string) => `exists (select 1 from tickets t where t.id = ${column})`;

function policies(): string[] {
  const out: string[] = [];
  const table = (name: string, agent: { select: string; update?: string; insert?: string }) => {
    out.push(`alter table "${name}" enable row level security`);
    for (const old of ['helpdesk_all', 'helpdesk_agent_select', 'helpdesk_agent_update', 'helpdesk_agent_insert']) out.push(`drop policy if exists ${old} on "${name}"`);
    out.push(`create policy helpdesk_all on "${name}" for all to helpdesk_admin, helpdesk_pipeline using (true) with check (true)`);
    out.push(`create policy helpdesk_agent_select on "${name}" for select to helpdesk_agent using (${SEES_ALL} or ${agent.select})`);
    if (agent.update) out.push(`create policy helpdesk_agent_update on "${name}" for update to helpdesk_agent using (${SEES_ALL} or ${agent.update}) with check (${SEES_ALL} or ${agent.update})`);
    if (agent.insert) out.push(`create policy helpdesk_agent_insert on "${name}" for insert to helpdesk_agent with check (${SEES_ALL} or ${agent.insert})`);
  };
  const mine = `(select helpdesk_my_departments()) @> array[department_id]`;
  table('tickets', { select: mine, update: mine });
  table('users', { select: `exists (select 1 from tickets t where t.user_id = users.id)` });
  table('ai_predictions', { select: MY_TICKET('ai_predictions.ticket_id'), update: MY_TICKET('ai_predictions.ticket_id') });
  table('ticket_messages', { select: MY_TICKET('ticket_messages.ticket_id'), insert: MY_TICKET('ticket_messages.ticket_id') });
  table('audit_log', { select: `ticket_id is not null and ${MY_TICKET('audit_log.ticket_id')}` });
  return out;
}

function createRole(role: string): string {
  return `do $$ begin
    if not exists (select 1 from pg_roles where rolname = '${role}') then
      begin
        create role ${role} nologin;
      exception when duplicate_object or unique_violation then null; -- another session made it first
      end;
    end if;
  end $$`;
}

/** Membership, granted only when missing (a GRANT that changes nothing still writes the catalog). */
function grantMembership(role: string, to: string, admin = false): string {
  return `do $$ begin
    if not exists (select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
                   where r.rolname = '${role}' and u.rolname = ${to === 'current_user' ? 'current_user' : `'${to}'`}) then
      begin
        grant ${role} to ${to}${admin ? ' with admin option' : ''};
      exception when unique_violation then null;
      end;
    end if;
  end $$`;
}

/**
 * Creates the roles and brings the grants, ownership, policies and views of this database up to
 * date. Idempotent; run by the migration that introduced roles, after every `db migrate` that
 * applied something, and by `db roles` / `db grant`.
 */
export async function syncRoles(exec: Sql): Promise<void> {
  for (const role of ROLES) await exec(createRole(role));
  // The admin manages the other roles' members; a login that migrates must be able to hand its
  // objects to helpdesk_admin (superusers can anyway).
  for (const role of ROLES.slice(1)) await exec(grantMembership(role, 'helpdesk_admin', true));
  const [me] = await exec(`select rolsuper as super from pg_roles where rolname = current_user`);
  if (!me?.super) await exec(grantMembership('helpdesk_admin', 'current_user'));

  await exec(`create or replace function helpdesk_sees_all() returns boolean language sql stable as $$
    select coalesce((select rolsuper from pg_roles where rolname = session_user), false)
      or pg_has_role(session_user, 'helpdesk_admin', 'member')
      or pg_has_role(session_user, 'helpdesk_pipeline', 'member') $$`);
  // Security definer: agents need not read other logins' ties to find their own departments.
  await exec(`create or replace function helpdesk_my_departments() returns uuid[] language sql stable security definer set search_path = public, pg_temp as $$
    select coalesce(array_agg(o.department_id), '{}') from operator_logins l join operators o on o.id = l.operator_id
    where l.login = session_user and o.active $$`);
  // Whether a ticket exists at all, for a refusal instead of "no such ticket" when row-level
  // security hides it (ticket numbers are sequential: existence is no secret).
  await exec(`create or replace function helpdesk_ticket_exists(ref text) returns boolean language sql stable security definer set search_path = public, pg_temp as $$
    select exists (select 1 from tickets where (ref ~ '^[0-9]+$' and number = ref::bigint) or (ref ~* '^[0-9a-f-]{36}$' and id::text = lower(ref))) $$`);
  // The analysts' views: e-mail addresses, phone numbers and long numbers (IIN, cards) in free
  // text become tags. It errs towards privacy: any run of 7 or more digits goes.
  await exec(`create or replace function helpdesk_redact(value text) returns text language sql immutable as $$
    select regexp_replace(regexp_replace(value,
      '[[:alnum:]._%+-]+@[[:alnum:]-]+(\\.[[:alnum:]-]+)*\\.[[:alpha:]]{2,}', '[email]', 'g'),
      '\\+?\\(?[0-9]([ ().\\-]{0,3}[0-9]){6,22}\\)?', '[number]', 'g') $$`);

  const tables = new Set(
    (await exec(`select tablename from pg_tables where schemaname = 'public'`)).map((r) => String(r.tablename)),
  );
  // Ownership: everything of the application belongs to helpdesk_admin.
  for (const t of tables) await exec(`alter table public."${t}" owner to helpdesk_admin`);
  for (const r of await exec(`select sequencename as name from pg_sequences where schemaname = 'public'`)) {
    await exec(`alter sequence public."${String(r.name)}" owner to helpdesk_admin`);
  }
  for (const r of await exec(`select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public' and t.typtype = 'e'`)) {
    await exec(`alter type public."${String(r.name)}" owner to helpdesk_admin`);
  }
  for (const r of await exec(`select p.oid::regprocedure::text as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname like 'helpdesk%'`)) {
    await exec(`alter function ${String(r.sig)} owner to helpdesk_admin`);
  }
  // The event triggers write ticket_events for whoever changed a ticket (an agent's update, the
  // pipeline's decision): they run as their owner, so writing events needs no grant.
  for (const r of await exec(`select p.oid::regprocedure::text as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname like 'ticket_events_%'`)) {
    await exec(`alter function ${String(r.sig)} owner to helpdesk_admin`);
    await exec(`alter function ${String(r.sig)} security definer set search_path = public, pg_temp`);
  }

  const others = ROLES.slice(1).join(', ');
  for (const t of tables) {
    await exec(`revoke all on public."${t}" from ${others}`);
    for (const [role, privileges] of Object.entries(TABLE_GRANTS[t] ?? {})) await exec(`grant ${privileges} on public."${t}" to ${role}`);
  }
  await exec(`grant usage on schema public to ${others}`);
  // Admins create tables in migrations (PostgreSQL 15 grants CREATE on public to nobody); only the
  // schema's owner may grant it, so a migrating login that is not is left to the DBA.
  await exec(`do $$ begin grant usage, create on schema public to helpdesk_admin; exception when insufficient_privilege then raise notice 'helpdesk_admin lacks CREATE on schema public'; end $$`);
  if (tables.has('tickets') && tables.has('audit_log') && tables.has('operator_logins')) for (const s of policies()) await exec(s);

  // Redacting views, named like the tables, in their own schema.
  await exec(`create schema if not exists ${REDACTED_SCHEMA}`);
  await exec(`alter schema ${REDACTED_SCHEMA} owner to helpdesk_admin`);
  await exec(`revoke all on schema ${REDACTED_SCHEMA} from public`);
  await exec(`grant usage on schema ${REDACTED_SCHEMA} to helpdesk_analyst`);
  for (const [view, replaced] of Object.entries(REDACTED_VIEWS)) {
    if (!tables.has(view)) continue;
    const columns = await exec(
      `select column_name as name from information_schema.columns where table_schema = 'public' and table_name = '${view}' order by ordinal_position`,
    );
    const list = columns.map((c) => String(c.name)).map((c) => (replaced[c] ? `${replaced[c]} as "${c}"` : `"${c}"`));
    await exec(`drop view if exists ${REDACTED_SCHEMA}."${view}"`);
    await exec(`create view ${REDACTED_SCHEMA}."${view}" as select ${list.join(', ')} from public."${view}"`);
    await exec(`alter view ${REDACTED_SCHEMA}."${view}" owner to helpdesk_admin`);
    await exec(`grant select on ${REDACTED_SCHEMA}."${view}" to helpdesk_analyst`);
  }
}

/** The search_path that makes an analyst login read the redacting views under the tables' names. */
export function analystSearchPath(login: string, database: string): string {
  return `alter role ${quoteIdent(login)} in database ${quoteIdent(database)} set search_path = ${REDACTED_SCHEMA}, public`;
}

export function quoteIdent(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}
