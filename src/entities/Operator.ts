import { defineEntity, p } from '@mikro-orm/core';
import { Department } from './Department.ts';
import { LANGUAGES } from './enums.ts';
import { Ticket } from './Ticket.ts';

export const OperatorSchema = defineEntity({
  name: 'Operator',
  tableName: 'operators',
  indexes: [{ name: 'operators_email_lower_unique', expression: 'create unique index "operators_email_lower_unique" on "operators" (lower("email"))' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    name: p.string().length(200),
    email: p.string().length(320),
    department: () => p.manyToOne(Department).inversedBy('operators').index('operators_department_idx'),
    /** Languages spoken: a subset of ru/kk/en. */
    languages: p.enum(LANGUAGES).nativeEnumName('language').array(),
    /** Maximum number of open tickets assigned at once. */
    capacity: p.integer().check('capacity > 0'),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    tickets: () => p.oneToMany(Ticket).mappedBy('operator'),
  },
});
export class Operator extends OperatorSchema.class {}
OperatorSchema.setClass(Operator);
