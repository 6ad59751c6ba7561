import { defineEntity, p } from '@mikro-orm/core';
import { Category } from './Category.ts';
import { LANGUAGES } from './enums.ts';

export const AutoResponseSchema = defineEntity({
  name: 'AutoResponse',
  tableName: 'ai_auto_responses',
  uniques: [{ name: 'ai_auto_responses_name_language_unique', properties: ['name', 'language'] }],
  indexes: [{ name: 'ai_auto_responses_category_language_idx', properties: ['category', 'language'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    /** Short slug naming the answer; the same name in each language. */
    name: p.string().length(120),
    category: () => p.manyToOne(Category).inversedBy('responses'),
    language: p.enum(LANGUAGES).nativeEnumName('language'),
    triggerExamples: p.json<string[]>(),
    /** Answer text with {{placeholders}}, checked when the template is saved. */
    answer: p.text(),
    active: p.boolean().default(true),
    timesUsed: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class AutoResponse extends AutoResponseSchema.class {}
AutoResponseSchema.setClass(AutoResponse);
