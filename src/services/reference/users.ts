import type { EntityManager } from '@mikro-orm/sql';
import { User, type Language, type UserKind } from '../../entities/index.ts';
import { InputError } from '../../errors.ts';
import { assertUnique, assignChanges, findByKey, guarded, notFound, OPEN_STATUS_SQL, requireField, type SaveOutcome } from './common.ts';
import { emailValue, optionalLanguage, optionalText, userKindValue, type Label } from './values.ts';

export interface UserRow {
  email: string;
  name: string | null;
  phone: string | null;
  kind: UserKind;
  preferredLanguage: Language | null;
  /** Tickets the user filed, and how many are still open (read-only). */
  tickets: number;
  openTickets: number;
}

export interface UserDetail extends UserRow {
  createdAt: string;
  updatedAt: string;
}

export interface UserPatch {
  email?: string | undefined;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  kind?: UserKind | undefined;
  preferredLanguage?: Language | null | undefined;
}

const LIST_SQL = `
  select u.email, u.name, u.phone, u.kind, u.preferred_language,
    (select count(*) from tickets t where t.user_id = u.id)::int as tickets,
    (select count(*) from tickets t where t.user_id = u.id and t.status in (${OPEN_STATUS_SQL}))::int as open_tickets
  from users u`;

type ListRecord = Omit<UserRow, 'preferredLanguage' | 'openTickets'> & { preferred_language: Language | null; open_tickets: number };
const toRow = (r: ListRecord): UserRow => ({
  email: r.email,
  name: r.name,
  phone: r.phone,
  kind: r.kind,
  preferredLanguage: r.preferred_language,
  tickets: Number(r.tickets),
  openTickets: Number(r.open_tickets),
});

export async function listUsers(em: EntityManager, filter: { kind?: UserKind | undefined } = {}): Promise<UserRow[]> {
  const clause = filter.kind ? ' where u.kind = ?' : '';
  return (await em.execute<ListRecord[]>(`${LIST_SQL}${clause} order by lower(u.email)`, filter.kind ? [filter.kind] : [])).map(toRow);
}

export async function findUser(em: EntityManager, email: string): Promise<User> {
  const user = await findByKey(em, User, 'email', email);
  if (!user) throw notFound('user', email);
  return user;
}

export async function showUser(em: EntityManager, email: string): Promise<UserDetail> {
  const user = await findUser(em, email);
  const [row] = (await em.execute<ListRecord[]>(`${LIST_SQL} where u.id = ?`, [user.id])).map(toRow);
  return { ...row!, createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString() };
}

export function parseUser(record: Record<string, unknown>, label: Label): UserPatch {
  const phone = optionalText(record.phone, label('phone'), 40);
  if (phone && !/^\+?[\d\s()\-.]{3,}$/.test(phone)) throw new InputError(`${label('phone')} must be a phone number (got "${phone}")`);
  return {
    email: emailValue(record.email, label('email')),
    name: optionalText(record.name, label('name'), 200),
    phone,
    kind: userKindValue(record.kind, label('kind')),
    preferredLanguage: optionalLanguage(record.preferredLanguage, label('preferredLanguage')),
  };
}

const duplicate = (email: string) => (existing: User) => `a user with e-mail ${existing.email} already exists` + (existing.email === email ? '' : ' (e-mail addresses are unique regardless of case)');

export async function saveUser(em: EntityManager, existing: User | null, patch: UserPatch, label: Label): Promise<{ user: User; outcome: SaveOutcome }> {
  if (patch.email !== undefined) await assertUnique(em, User, 'email', patch.email, existing, duplicate(patch.email));
  let user = existing;
  let outcome: SaveOutcome;
  if (!user) {
    user = em.create(User, {
      email: requireField(patch.email, 'email', label, 'user'),
      name: patch.name ?? null,
      phone: patch.phone ?? null,
      kind: patch.kind ?? 'client',
      preferredLanguage: patch.preferredLanguage ?? null,
    });
    outcome = 'created';
  } else {
    outcome = assignChanges(user, { email: patch.email, name: patch.name, phone: patch.phone, kind: patch.kind, preferredLanguage: patch.preferredLanguage }) ? 'updated' : 'unchanged';
  }
  await guarded(() => em.flush(), { unique: duplicate(patch.email ?? user.email)(user) });
  return { user, outcome };
}

export async function addUser(em: EntityManager, patch: UserPatch, label: Label): Promise<UserDetail> {
  const { user } = await saveUser(em, null, patch, label);
  return showUser(em, user.email);
}

export async function updateUser(em: EntityManager, email: string, patch: UserPatch, label: Label): Promise<SaveOutcome> {
  return (await saveUser(em, await findUser(em, email), patch, label)).outcome;
}
