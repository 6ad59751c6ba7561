import type { EntityManager } from '@mikro-orm/sql';
import { LANGUAGES, PRIORITIES, type Language } from '../entities/enums.ts';
import type { Choice } from '../prompts/prompter.ts';
import { listCategories } from '../services/reference/categories.ts';
import { listDepartments } from '../services/reference/departments.ts';
import { listOperators } from '../services/reference/operators.ts';
import { listResponses, responseLanguages } from '../services/reference/responses.ts';

// The lists admins pick from on a terminal.

const LANGUAGE_NAMES: Record<Language, string> = { ru: 'ru (Russian)', kk: 'kk (Kazakh)', en: 'en (English)' };

const inactive = (name: string, active: boolean): string => (active ? name : `${name} (inactive)`);

export const languageChoices = (): Choice<string>[] => LANGUAGES.map((l) => ({ name: LANGUAGE_NAMES[l], value: l }));
export const priorityChoices = (): Choice<string>[] => PRIORITIES.map((p) => ({ name: p, value: p }));

export async function departmentChoices(em: EntityManager): Promise<Choice<string>[]> {
  return (await listDepartments(em.getKysely())).map((d) => ({ name: inactive(d.name, d.active), value: d.name }));
}

export async function categoryChoices(em: EntityManager): Promise<Choice<string>[]> {
  return (await listCategories(em)).map((c) => ({ name: inactive(`${c.name} (${c.department})`, c.active), value: c.name }));
}

export async function operatorChoices(em: EntityManager): Promise<Choice<string>[]> {
  return (await listOperators(em)).map((o) => ({ name: inactive(`${o.name} <${o.email}>, ${o.department}`, o.active), value: o.email }));
}

export async function responseNameChoices(em: EntityManager): Promise<Choice<string>[]> {
  const names = [...new Set((await listResponses(em)).map((r) => r.name))];
  return names.map((name) => ({ name, value: name }));
}

export async function responseLanguageChoices(em: EntityManager, name: string): Promise<Choice<string>[]> {
  return (await responseLanguages(em, name)).map((l) => ({ name: LANGUAGE_NAMES[l], value: l }));
}
