import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.ts';
import { InputError } from '../../errors.ts';
import { LANGUAGES, PRIORITIES, type Language, type Priority } from '../../entities/enums.ts';

export const FIXTURES_DIR = join(PROJECT_ROOT, 'fixtures') + '/';

export interface DepartmentFixture {
  name: string;
  description?: string | null;
  active?: boolean;
}
export interface CategoryFixture {
  name: string;
  department: string;
  defaultPriority: Priority;
  description?: string | null;
  active?: boolean;
}
export interface OperatorFixture {
  name: string;
  email: string;
  department: string;
  languages: Language[];
  capacity: number;
  active?: boolean;
}
export interface ResponseFixture {
  category: string;
  language: Language;
  name: string;
  triggerExamples: string[];
  answer: string;
  active?: boolean;
}

export interface ReferenceFixtures {
  departments: DepartmentFixture[];
  categories: CategoryFixture[];
  operators: OperatorFixture[];
  responses: ResponseFixture[];
}

function readArray(file: string): Record<string, unknown>[] {
  const path = FIXTURES_DIR + file;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path}: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new InputError(`${path}: expected a JSON array`);
  return data as Record<string, unknown>[];
}

function check(condition: boolean, file: string, index: number, field: string, value: unknown): void {
  if (!condition) throw new InputError(`fixtures/${file}: item ${index + 1}, field ${field}: invalid value ${JSON.stringify(value)}`);
}

/** Reads and validates the reference data shipped in fixtures/. */
export function loadReferenceFixtures(): ReferenceFixtures {
  const departments = readArray('departments.json') as unknown as DepartmentFixture[];
  const categories = readArray('categories.json') as unknown as CategoryFixture[];
  const operators = readArray('operators.json') as unknown as OperatorFixture[];
  const responses = readArray('responses.json') as unknown as ResponseFixture[];
  departments.forEach((d, i) => check(typeof d.name === 'string' && d.name.trim() !== '', 'departments.json', i, 'name', d.name));
  categories.forEach((c, i) => check((PRIORITIES as readonly string[]).includes(c.defaultPriority), 'categories.json', i, 'defaultPriority', c.defaultPriority));
  operators.forEach((o, i) => {
    check(Array.isArray(o.languages) && o.languages.length > 0 && o.languages.every((l) => (LANGUAGES as readonly string[]).includes(l)), 'operators.json', i, 'languages', o.languages);
    check(Number.isInteger(o.capacity) && o.capacity > 0, 'operators.json', i, 'capacity', o.capacity);
  });
  responses.forEach((r, i) => check((LANGUAGES as readonly string[]).includes(r.language), 'responses.json', i, 'language', r.language));
  return { departments, categories, operators, responses };
}
