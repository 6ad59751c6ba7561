import { defineEntity, p } from '@mikro-orm/core';
import { AutoResponse } from './AutoResponse.ts';
import { Department } from './Department.ts';
import { PRIORITIES } from './enums.ts';
import { Ticket } from './Ticket.ts';

export const CategorySchema = defineEntity({
  name: 'Category',
  tableName: 'categories',
  indexes: [{ name: 'categories_name_lower_unique', expression: 'create unique index "categories_name_lower_unique" on "categories" (lower("name"))' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    name: p.string().length(120),
    defaultDepartment: () => p.manyToOne(Department).inversedBy('categories').index('categories_default_department_idx'),
    defaultPriority: p.enum(PRIORITIES).nativeEnumName('priority').default('medium'),
    description: p.text().nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    tickets: () => p.oneToMany(Ticket).mappedBy('category'),
    responses: () => p.oneToMany(AutoResponse).mappedBy('category'),
  },
});
export class Category extends CategorySchema.class {}
CategorySchema.setClass(Category);
