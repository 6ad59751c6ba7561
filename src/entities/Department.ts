import { defineEntity, p } from '@mikro-orm/core';
import { Category } from './Category.ts';
import { Operator } from './Operator.ts';
import { Ticket } from './Ticket.ts';

export const DepartmentSchema = defineEntity({
  name: 'Department',
  tableName: 'departments',
  // Names are unique regardless of case ("IT Support" and "it support" are one department).
  indexes: [{ name: 'departments_name_lower_unique', expression: 'create unique index "departments_name_lower_unique" on "departments" (lower("name"))' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    name: p.string().length(120),
    description: p.text().nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    operators: () => p.oneToMany(Operator).mappedBy('department'),
    categories: () => p.oneToMany(Category).mappedBy('defaultDepartment'),
    tickets: () => p.oneToMany(Ticket).mappedBy('department'),
  },
});
export class Department extends DepartmentSchema.class {}
DepartmentSchema.setClass(Department);
