import { plural } from '../../output/plural.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { AutoResponse, Category, TicketMessage, type Language } from '../../entities/index.ts';
import { InputError } from '../../errors.ts';
import { assertUnique, assignChanges, findByKey, guarded, notFound, requireField, requireReference, type RemoveResult, type SaveOutcome } from './common.ts';
import type { ImportSpec } from './import.ts';
import { validateTemplate } from './templates.ts';
import { booleanValue, languageValue, nameValue, naturalKey, requiredText, textList, type Label } from './values.ts';
import { lockReferenceData } from './serialise.ts';

/** One answer template (ai_auto_responses); its natural key is name and language. */
export interface ResponseRow {
  name: string;
  language: Language;
  category: string;
  triggerExamples: string[];
  answer: string;
  active: boolean;
  /** How often it was sent (read-only). */
  timesUsed: number;
}

export interface ResponseDetail extends ResponseRow {
  createdAt: string;
  updatedAt: string;
}

export interface ResponsePatch {
  name?: string | undefined;
  language?: Language | undefined;
  category?: string | undefined;
  triggerExamples?: string[] | undefined;
  answer?: string | undefined;
  active?: boolean | undefined;
}

const LIST_SQL = `
  select r.name, r.language, c.name as category, r.trigger_examples, r.answer, r.active, r.times_used
  from ai_auto_responses r join categories c on c.id = r.category_id`;

type ListRecord = { name: string; language: Language; category: string; trigger_examples: string[] | string; answer: string; active: boolean; times_used: number };
const toRow = (r: ListRecord): ResponseRow => ({
  name: r.name,
  language: r.language,
  category: r.category,
  triggerExamples: typeof r.trigger_examples === 'string' ? (JSON.parse(r.trigger_examples) as string[]) : r.trigger_examples,
  answer: r.answer,
  active: r.active,
  timesUsed: Number(r.times_used),
});

export async function listResponses(em: EntityManager, filter: { category?: string | undefined; language?: Language | undefined } = {}): Promise<ResponseRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.category !== undefined) {
    where.push('r.category_id = ?');
    params.push((await requireReference(em, Category, 'categories', 'category', filter.category, '--category')).id);
  }
  if (filter.language !== undefined) {
    where.push('r.language = ?');
    params.push(filter.language);
  }
  const clause = where.length ? ` where ${where.join(' and ')}` : '';
  return (await em.execute<ListRecord[]>(`${LIST_SQL}${clause} order by lower(r.name), r.name, r.language`, params)).map(toRow);
}

/** The languages a template name exists in, for choosing one. */
export async function responseLanguages(em: EntityManager, name: string): Promise<Language[]> {
  const rows = await em.execute<{ language: Language }[]>(`select language from ai_auto_responses where lower(name) = ? order by language`, [naturalKey(name)]);
  return rows.map((r) => r.language);
}

export async function findResponse(em: EntityManager, name: string, language: Language): Promise<AutoResponse> {
  const response = await findByKey(em, AutoResponse, 'name', name, { language });
  if (!response) throw notFound('answer template', `${name}" in "${language}`);
  return response;
}

export async function showResponse(em: EntityManager, name: string, language: Language): Promise<ResponseDetail> {
  const response = await findResponse(em, name, language);
  const [row] = (await em.execute<ListRecord[]>(`${LIST_SQL} where r.id = ?`, [response.id])).map(toRow);
  return { ...row!, createdAt: response.createdAt.toISOString(), updatedAt: response.updatedAt.toISOString() };
}

export function parseResponse(record: Record<string, unknown>, label: Label): ResponsePatch {
  const answer = requiredText(record.answer, label('answer'));
  // Placeholders are checked when the template is saved, never at send time.
  if (answer !== undefined) validateTemplate(answer, label('answer'));
  return {
    name: nameValue(record.name, label('name')),
    language: languageValue(record.language, label('language')),
    category: nameValue(record.category, label('category')),
    triggerExamples: textList(record.triggerExamples, label('triggerExamples')),
    answer,
    active: booleanValue(record.active, label('active')),
  };
}

const duplicate = (name: string, language: string) => (existing: AutoResponse) =>
  `an answer template "${existing.name}" in "${language}" already exists` + (existing.name === name ? '' : ' (names are unique regardless of case)');

export async function saveResponse(em: EntityManager, existing: AutoResponse | null, patch: ResponsePatch, label: Label): Promise<{ response: AutoResponse; outcome: SaveOutcome }> {
  const language = existing?.language ?? requireField(patch.language, 'language', label, 'answer template');
  if (existing && patch.language !== undefined && patch.language !== existing.language) throw new InputError(`the language of an answer template cannot change: add one in "${patch.language}" instead`);
  if (patch.name !== undefined) await assertUnique(em, AutoResponse, 'name', patch.name, existing, duplicate(patch.name, language), { language });
  const category = patch.category === undefined ? undefined : await requireReference(em, Category, 'categories', 'category', patch.category, label('category'));
  let response = existing;
  let outcome: SaveOutcome;
  if (!response) {
    response = em.create(AutoResponse, {
      name: requireField(patch.name, 'name', label, 'answer template'),
      language,
      category: requireField(category, 'category', label, 'answer template'),
      triggerExamples: patch.triggerExamples ?? [],
      answer: requireField(patch.answer, 'answer', label, 'answer template'),
      active: patch.active ?? true,
    });
    outcome = 'created';
  } else {
    const changed = assignChanges(response, { name: patch.name, category, triggerExamples: patch.triggerExamples, answer: patch.answer, active: patch.active });
    outcome = changed ? 'updated' : 'unchanged';
  }
  await guarded(() => em.flush(), { unique: duplicate(patch.name ?? response.name, language)(response) });
  return { response, outcome };
}

export async function addResponse(em: EntityManager, patch: ResponsePatch, label: Label): Promise<ResponseDetail> {
  const { response } = await saveResponse(em, null, patch, label);
  return showResponse(em, response.name, response.language);
}

export async function updateResponse(em: EntityManager, name: string, language: Language, patch: ResponsePatch, label: Label): Promise<SaveOutcome> {
  return (await saveResponse(em, await findResponse(em, name, language), patch, label)).outcome;
}

/** Deletes an answer template; one that was ever sent is deactivated instead, so messages keep it. */
export async function removeResponse(em: EntityManager, name: string, language: Language): Promise<RemoveResult> {
  return em.transactional(async (tx) => {
    // Pipeline batches in flight write ids of reference rows: wait for them (serialise.ts).
    await lockReferenceData(tx.getKysely<any>());
    const response = await findResponse(tx, name, language);
    const sent = await tx.count(TicketMessage, { autoResponse: response });
    const removed = `${response.name} (${response.language})`;
    if (sent > 0 || response.timesUsed > 0) {
      response.active = false;
      await tx.flush();
      return { removed, outcome: 'deactivated', reason: `it was sent ${plural(Math.max(sent, response.timesUsed), 'time')}` };
    }
    tx.remove(response);
    await tx.flush();
    return { removed, outcome: 'removed' };
  });
}

export const responseImport: ImportSpec<ResponsePatch> = {
  noun: 'answer template',
  fields: ['name', 'language', 'category', 'triggerExamples', 'answer', 'active'],
  computed: ['timesUsed'],
  parse: parseResponse,
  keyOf: (patch) => (patch.name === undefined || patch.language === undefined ? undefined : `${naturalKey(patch.name)}/${patch.language}`),
  keyFields: ['name', 'language'],
  async upsert(em, patch, label) {
    return (await saveResponse(em, await findByKey(em, AutoResponse, 'name', patch.name!, { language: patch.language }), patch, label)).outcome;
  },
};
