import type { EntityManager } from '@mikro-orm/sql';
import { AutoResponse, Category, Department } from '../../entities/index.ts';
import { InputError } from '../../errors.ts';
import type { PipelineConfig } from './config.ts';
import type { ReferenceData } from './decide.ts';
import { compileTemplate, type TemplateCandidate } from './resolver.ts';

/** Categories, departments and active answer templates, loaded once per run. */
export async function loadReferenceData(em: EntityManager, config: PipelineConfig): Promise<ReferenceData> {
  const departments = await em.find(Department, {}, { orderBy: { name: 'asc' } });
  const categories = await em.find(Category, { active: true }, { populate: [] });
  const templates = await em.find(AutoResponse, { active: true }, { orderBy: { name: 'asc' } });
  const departmentsByName = new Map(departments.filter((d) => d.active).map((d) => [d.name.toLowerCase(), { id: d.id, name: d.name }]));
  const triage = departmentsByName.get(config.triageDepartment.toLowerCase());
  if (!triage) {
    throw new InputError(`triage department "${config.triageDepartment}" does not exist or is inactive: create it, or set triageDepartment in the pipeline configuration`);
  }
  const byKey = new Map<string, TemplateCandidate[]>();
  for (const template of templates) {
    const categoryId = template.category.id;
    const key = `${categoryId}/${template.language}`;
    const list = byKey.get(key) ?? [];
    list.push(compileTemplate({ id: template.id, name: template.name, categoryId, language: template.language, answer: template.answer }, template.triggerExamples));
    byKey.set(key, list);
  }
  return {
    categoriesByName: new Map(
      categories.map((c) => [c.name.toLowerCase(), { id: c.id, name: c.name, defaultDepartmentId: c.defaultDepartment.id, defaultPriority: c.defaultPriority }]),
    ),
    departmentsByName,
    departmentNames: new Map(departments.map((d) => [d.id, d.name])),
    triageDepartmentId: triage.id,
    templates: byKey,
  };
}
