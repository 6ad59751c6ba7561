import type { EntityManager } from '@mikro-orm/sql';
import { AutoResponse, Category, Department, Operator } from '../../entities/index.ts';
import { InputError } from '../../errors.ts';
import type { ReferenceFixtures } from './fixtures.ts';
import { validateTemplate } from './templates.ts';

export interface SeedCounts {
  created: number;
  existing: number;
}
export type SeedResult = Record<'departments' | 'categories' | 'operators' | 'responses', SeedCounts>;

const key = (text: string): string => text.trim().toLowerCase();

/**
 * Inserts the reference data that is missing, matched by natural key (name; e-mail for operators;
 * name and language for answer templates). Existing rows are left as the admins made them,
 * so seeding twice changes nothing. One transaction: all or nothing.
 */
export async function seedReferenceData(em: EntityManager, fixtures: ReferenceFixtures): Promise<SeedResult> {
  return em.transactional(async (tx) => {
    const result: SeedResult = {
      departments: { created: 0, existing: 0 },
      categories: { created: 0, existing: 0 },
      operators: { created: 0, existing: 0 },
      responses: { created: 0, existing: 0 },
    };
    const departments = new Map((await tx.find(Department, {})).map((d) => [key(d.name), d]));
    for (const fixture of fixtures.departments) {
      if (departments.has(key(fixture.name))) {
        result.departments.existing++;
        continue;
      }
      const department = tx.create(Department, { name: fixture.name.trim(), description: fixture.description ?? null, active: fixture.active ?? true });
      departments.set(key(fixture.name), department);
      result.departments.created++;
    }
    const department = (name: string, where: string): Department => {
      const found = departments.get(key(name));
      if (!found) throw new InputError(`${where}: unknown department "${name}"`);
      return found;
    };

    const categories = new Map((await tx.find(Category, {})).map((c) => [key(c.name), c]));
    for (const fixture of fixtures.categories) {
      if (categories.has(key(fixture.name))) {
        result.categories.existing++;
        continue;
      }
      const category = tx.create(Category, {
        name: fixture.name.trim(),
        defaultDepartment: department(fixture.department, `fixtures/categories.json "${fixture.name}"`),
        defaultPriority: fixture.defaultPriority,
        description: fixture.description ?? null,
        active: fixture.active ?? true,
      });
      categories.set(key(fixture.name), category);
      result.categories.created++;
    }

    const operators = new Set((await tx.find(Operator, {})).map((o) => key(o.email)));
    for (const fixture of fixtures.operators) {
      if (operators.has(key(fixture.email))) {
        result.operators.existing++;
        continue;
      }
      tx.create(Operator, {
        name: fixture.name.trim(),
        email: fixture.email.trim().toLowerCase(),
        department: department(fixture.department, `fixtures/operators.json "${fixture.email}"`),
        languages: [...new Set(fixture.languages)],
        capacity: fixture.capacity,
        active: fixture.active ?? true,
      });
      operators.add(key(fixture.email));
      result.operators.created++;
    }

    const responses = new Set((await tx.find(AutoResponse, {})).map((r) => `${key(r.name)}/${r.language}`));
    for (const fixture of fixtures.responses) {
      const id = `${key(fixture.name)}/${fixture.language}`;
      if (responses.has(id)) {
        result.responses.existing++;
        continue;
      }
      const where = `fixtures/responses.json "${fixture.name}" (${fixture.language})`;
      validateTemplate(fixture.answer, where);
      const category = categories.get(key(fixture.category));
      if (!category) throw new InputError(`${where}: unknown category "${fixture.category}"`);
      tx.create(AutoResponse, {
        name: fixture.name.trim(),
        category,
        language: fixture.language,
        triggerExamples: fixture.triggerExamples,
        answer: fixture.answer,
        active: fixture.active ?? true,
      });
      responses.add(id);
      result.responses.created++;
    }
    return result;
  });
}
