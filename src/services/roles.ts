import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { analystSearchPath, quoteIdent, ROLE_PURPOSE, ROLES, syncRoles, type HelpdeskRole } from '../db/roles.ts';
import { NotFoundError, UsageError } from '../errors.ts';

export interface RoleMember {
  login: string;
  /** false for a group role (a login cannot log in with it). */
  canLogin: boolean;
  roles: HelpdeskRole[];
  operator: string | null;
  department: string | null;
}

export interface RolesReport {
  roles: { name: HelpdeskRole; purpose: string; members: string[] }[];
  logins: RoleMember[];
}

const NEEDS_SERVER =
  'needs a PostgreSQL server (--database-url or DATABASE_URL): the embedded database has one local user, who may do everything';

function requireServer(db: Database, command: string): void {
  if (db.target.kind !== 'postgresql') throw new UsageError(`${command} ${NEEDS_SERVER}`);
}

async function rows(k: Kysely<any>, text: string): Promise<Record<string, unknown>[]> {
  return (await sql.raw<Record<string, unknown>>(text).execute(k)).rows;
}

/** Creates the roles and brings this database's grants, policies and views up to date, then lists. */
export async function syncAndListRoles(db: Database): Promise<RolesReport> {
  requireServer(db, 'db roles');
  await db.em.transactional(async (tx) => syncRoles((text) => rows(tx.getKysely<any>(), text)));
  return listRoles(db);
}

export async function listRoles(db: Database): Promise<RolesReport> {
  requireServer(db, 'db roles');
  const k = db.em.getKysely<any>();
  const names = ROLES.map((r) => `'${r}'`).join(', ');
  const members = (
    await sql<{ login: string; role: HelpdeskRole; can_login: boolean }>`
      select u.rolname as login, r.rolname as role, u.rolcanlogin as can_login
      from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member
      where r.rolname in (${sql.raw(names)}) and u.rolname not in (${sql.raw(names)})
      order by u.rolname, r.rolname`.execute(k)
  ).rows;
  const ties = (
    await sql<{ login: string; email: string; department: string }>`
      select l.login, o.email, d.name as department from operator_logins l
      join operators o on o.id = l.operator_id join departments d on d.id = o.department_id`.execute(k)
  ).rows;
  const tieOf = new Map(ties.map((t) => [t.login, t]));
  const logins = new Map<string, RoleMember>();
  for (const m of members) {
    const entry = logins.get(m.login) ?? { login: m.login, canLogin: m.can_login, roles: [], operator: tieOf.get(m.login)?.email ?? null, department: tieOf.get(m.login)?.department ?? null };
    entry.roles.push(m.role);
    logins.set(m.login, entry);
  }
  return {
    roles: ROLES.map((name) => ({ name, purpose: ROLE_PURPOSE[name], members: members.filter((m) => m.role === name).map((m) => m.login) })),
    logins: [...logins.values()],
  };
}

function parseRole(value: string): HelpdeskRole {
  const role = value.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`ROLE must be one of ${ROLES.join(', ')} (got "${value}")`);
  return role as HelpdeskRole;
}

async function checkLogin(k: Kysely<any>, login: string): Promise<void> {
  if ((ROLES as readonly string[]).includes(login)) throw new UsageError(`"${login}" is a helpdesk role, not a login`);
  const found = (await sql<{ ok: number }>`select 1 as ok from pg_roles where rolname = ${login}`.execute(k)).rows;
  if (found.length === 0) {
    throw new NotFoundError(`no login "${login}" on this server: create it first (\`createuser ${login}\`, or CREATE ROLE ... LOGIN in psql, then \\password ${login})`);
  }
}

async function checkRoleExists(k: Kysely<any>, role: HelpdeskRole): Promise<void> {
  const found = (await sql<{ ok: number }>`select 1 as ok from pg_roles where rolname = ${role}`.execute(k)).rows;
  if (found.length === 0) throw new NotFoundError(`role ${role} does not exist on this server: run \`helpdesk db roles\` (or \`helpdesk db migrate\`) first`);
}

export interface GrantResult {
  login: string;
  role: HelpdeskRole;
  changed: boolean;
  operator: string | null;
  department: string | null;
}

/** Makes LOGIN a member of ROLE; for an agent, `operatorEmail` ties the login to that operator. */
export async function grantRole(db: Database, loginInput: string, roleInput: string, operatorEmail?: string): Promise<GrantResult> {
  requireServer(db, 'db grant');
  const role = parseRole(roleInput);
  const login = loginInput.trim();
  if (operatorEmail !== undefined && role !== 'helpdesk_agent') throw new UsageError('--operator ties a login to an operator: only with helpdesk_agent');
  return db.em.transactional(async (tx) => {
    const k = tx.getKysely<any>();
    await checkLogin(k, login);
    await checkRoleExists(k, role);
    const member = (await sql<{ ok: number }>`select 1 as ok from pg_roles r where r.rolname = ${role} and pg_has_role(${login}, r.oid, 'member')`.execute(k)).rows.length > 0;
    const direct = (
      await sql<{ ok: number }>`select 1 as ok from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where r.rolname = ${role} and u.rolname = ${login}`.execute(k)
    ).rows.length > 0;
    if (!direct) await sql.raw(`grant ${role} to ${quoteIdent(login)}`).execute(k);
    let operator: { id: string; email: string; department: string } | undefined;
    if (operatorEmail !== undefined) {
      operator = (
        await sql<{ id: string; email: string; department: string }>`
          select o.id, o.email, d.name as department from operators o join departments d on d.id = o.department_id
          where lower(o.email) = lower(${operatorEmail.trim()})`.execute(k)
      ).rows[0];
      if (!operator) throw new NotFoundError(`no operator with e-mail "${operatorEmail}"`);
      await sql`insert into operator_logins (login, operator_id) values (${login}, ${operator.id})
        on conflict (login) do update set operator_id = excluded.operator_id`.execute(k);
    }
    if (role === 'helpdesk_analyst') {
      const [{ db: name }] = (await sql<{ db: string }>`select current_database() as db`.execute(k)).rows as [{ db: string }];
      await sql.raw(analystSearchPath(login, name)).execute(k);
    }
    const tie = (
      await sql<{ email: string; department: string }>`select o.email, d.name as department from operator_logins l join operators o on o.id = l.operator_id
        join departments d on d.id = o.department_id where l.login = ${login}`.execute(k)
    ).rows[0];
    return { login, role, changed: !direct || operator !== undefined || (!member && direct), operator: tie?.email ?? null, department: tie?.department ?? null };
  });
}

/** Takes ROLE from LOGIN (an agent's tie to an operator goes with it). */
export async function revokeRole(db: Database, loginInput: string, roleInput: string): Promise<{ login: string; role: HelpdeskRole; changed: boolean }> {
  requireServer(db, 'db revoke');
  const role = parseRole(roleInput);
  const login = loginInput.trim();
  return db.em.transactional(async (tx) => {
    const k = tx.getKysely<any>();
    await checkLogin(k, login);
    await checkRoleExists(k, role);
    const direct = (
      await sql<{ ok: number }>`select 1 as ok from pg_auth_members m join pg_roles r on r.oid = m.roleid join pg_roles u on u.oid = m.member where r.rolname = ${role} and u.rolname = ${login}`.execute(k)
    ).rows.length > 0;
    if (direct) await sql.raw(`revoke ${role} from ${quoteIdent(login)}`).execute(k);
    if (role === 'helpdesk_agent') await sql`delete from operator_logins where login = ${login}`.execute(k);
    if (role === 'helpdesk_analyst') {
      const [{ db: name }] = (await sql<{ db: string }>`select current_database() as db`.execute(k)).rows as [{ db: string }];
      await sql.raw(`alter role ${quoteIdent(login)} in database ${quoteIdent(name)} reset search_path`).execute(k);
    }
    return { login, role, changed: direct };
  });
}
