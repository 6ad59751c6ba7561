import { defineEntity, p } from '@mikro-orm/core';
import { LANGUAGES, USER_KINDS } from './enums.ts';
import { Ticket } from './Ticket.ts';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  // E-mail addresses are unique regardless of case.
  indexes: [{ name: 'users_email_lower_unique', expression: 'create unique index "users_email_lower_unique" on "users" (lower("email"))' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    email: p.string().length(320),
    name: p.string().length(200).nullable(),
    phone: p.string().length(40).nullable(),
    kind: p.enum(USER_KINDS).nativeEnumName('user_kind').default('client'),
    preferredLanguage: p.enum(LANGUAGES).nativeEnumName('language').nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    tickets: () => p.oneToMany(Ticket).mappedBy('user'),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
