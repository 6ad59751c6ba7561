import { defineEntity, p } from '@mikro-orm/core';
import { AiPrediction } from './AiPrediction.ts';

export const MlModelSchema = defineEntity({
  name: 'MlModel',
  tableName: 'ml_models',
  uniques: [{ name: 'ml_models_name_version_unique', properties: ['name', 'version'] }],
  // At most one model is active: a partial unique index lets the database enforce it.
  indexes: [{ name: 'ml_models_one_active', expression: 'create unique index "ml_models_one_active" on "ml_models" ("active") where "active"' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()').onCreate(() => crypto.randomUUID()),
    name: p.string().length(120),
    version: p.integer(),
    algorithm: p.string().length(120),
    /** The serialised trained model (all heads). */
    artifact: p.blob().lazy(),
    /** Label set per head, e.g. { category: [...], priority: [...] }. */
    labels: p.json<Record<string, string[]>>(),
    /** Holdout metrics per head. */
    metrics: p.json<Record<string, unknown>>(),
    parameters: p.json<Record<string, unknown>>(),
    sampleCount: p.integer(),
    trainedAt: p.datetime(),
    active: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    predictions: () => p.oneToMany(AiPrediction).mappedBy('model'),
  },
});
export class MlModel extends MlModelSchema.class {}
MlModelSchema.setClass(MlModel);
