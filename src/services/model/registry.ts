import type { EntityManager } from '@mikro-orm/sql';
import type { TrainedHead } from '../../ml/classifier.ts';
import type { Vectorizer } from '../../ml/features.ts';
import { MlModel } from '../../entities/index.ts';
import { InputError, NotFoundError, UsageError } from '../../errors.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { BundleFormatError, decodeBundle } from './bundle.ts';
import type { HeadMetrics } from './train.ts';

/** Exit 2 with the one thing to do: there is no model to use yet. */
export class NoModelError extends UsageError {
  constructor() {
    super('no active model: run `helpdesk model train --activate` (or `helpdesk model activate ID`)');
  }
}

export interface ModelSummary {
  id: string;
  name: string;
  version: number;
  active: boolean;
  algorithm: string;
  heads: HeadName[];
  sampleCount: number;
  trainedAt: string;
  /** Holdout macro-F1 per trained head. */
  macroF1: Partial<Record<HeadName, number>>;
}

export interface ModelDetails extends ModelSummary {
  labels: Partial<Record<HeadName, string[]>>;
  metrics: Partial<Record<HeadName, HeadMetrics>>;
  parameters: Record<string, unknown>;
  artifactBytes: number;
}

export interface LoadedModel {
  id: string;
  name: string;
  version: number;
  heads: Partial<Record<HeadName, TrainedHead>>;
  /** Shared by every head: vectorise a text once, then score it with each head. */
  vectorizer: Vectorizer;
  /** Holdout macro-F1 per head: how far each head's answers can be trusted. */
  quality: Partial<Record<HeadName, number>>;
  /** Training samples per language (null for models trained before they were counted). */
  languageSamples?: Record<string, number> | null;
}

const orderedHeads = (labels: Record<string, unknown>): HeadName[] => HEADS.filter((h) => h in labels);

function summary(m: MlModel): ModelSummary {
  const metrics = m.metrics as Partial<Record<HeadName, HeadMetrics>>;
  const heads = orderedHeads(m.labels);
  return {
    id: m.id,
    name: m.name,
    version: m.version,
    active: m.active,
    algorithm: m.algorithm,
    heads,
    sampleCount: m.sampleCount,
    trainedAt: m.trainedAt.toISOString(),
    macroF1: Object.fromEntries(heads.filter((h) => metrics[h]).map((h) => [h, metrics[h]!.macroF1])),
  };
}

/** Newest first. */
export async function listModels(em: EntityManager): Promise<ModelSummary[]> {
  const rows = await em.find(MlModel, {}, { orderBy: { trainedAt: 'desc', version: 'desc' } });
  return rows.map(summary);
}

/**
 * Finds a model by its id: the full UUID, a unique prefix of it (at least 4 characters, as
 * `model list` shows), or a version number of the helpdesk-classifier ("3" or "v3").
 */
export async function resolveModelId(em: EntityManager, ref: string): Promise<string> {
  const text = ref.trim().toLowerCase();
  const version = /^v?(\d+)$/.exec(text);
  if (version && text.length < 8) {
    const rows = await em.getConnection().execute<{ id: string }[]>('select "id"::text as "id" from "ml_models" where "version" = ? order by "name"', [
      Number(version[1]),
    ]);
    if (rows.length === 1) return rows[0]!.id;
    if (rows.length > 1) throw new UsageError(`model version ${version[1]} is ambiguous (several model names): give the id`);
    if (text.length < 4) throw new NotFoundError(`no model "${ref}": see \`helpdesk model list\``);
  }
  if (!/^[0-9a-f-]{4,36}$/.test(text)) throw new NotFoundError(`no model "${ref}": give an id or a version from \`helpdesk model list\``);
  const rows = await em.getConnection().execute<{ id: string }[]>('select "id"::text as "id" from "ml_models" where "id"::text like ? limit 2', [`${text}%`]);
  if (rows.length === 0) throw new NotFoundError(`no model "${ref}": see \`helpdesk model list\``);
  if (rows.length > 1) throw new UsageError(`model id "${ref}" is ambiguous: give more characters`);
  return rows[0]!.id;
}

export async function getModel(em: EntityManager, ref: string): Promise<ModelDetails> {
  const id = await resolveModelId(em, ref);
  const m = await em.findOneOrFail(MlModel, { id });
  const [size] = await em.getConnection().execute<{ n: number }[]>('select octet_length("artifact")::int as "n" from "ml_models" where "id" = ?', [id]);
  return {
    ...summary(m),
    labels: m.labels as Partial<Record<HeadName, string[]>>,
    metrics: m.metrics as Partial<Record<HeadName, HeadMetrics>>,
    parameters: m.parameters,
    artifactBytes: Number(size?.n ?? 0),
  };
}

export async function activeModelId(em: EntityManager): Promise<string | null> {
  const m = await em.findOne(MlModel, { active: true }, { fields: ['id'] });
  return m?.id ?? null;
}

/** Makes the model the active one (and no other), in one transaction. */
export async function activateModel(em: EntityManager, ref: string): Promise<{ model: ModelSummary; previous: ModelSummary | null; changed: boolean }> {
  const id = await resolveModelId(em, ref);
  return em.transactional(async (tx) => {
    const previous = await tx.findOne(MlModel, { active: true });
    const model = await tx.findOneOrFail(MlModel, { id });
    if (previous?.id === model.id) return { model: summary(model), previous: summary(previous), changed: false };
    const before = previous ? summary(previous) : null;
    await tx.nativeUpdate(MlModel, { active: true }, { active: false });
    await tx.nativeUpdate(MlModel, { id }, { active: true });
    return { model: { ...summary(model), active: true }, previous: before ? { ...before, active: false } : null, changed: true };
  });
}

/** The model with its heads ready to predict. */
export async function loadModel(em: EntityManager, ref: string): Promise<LoadedModel> {
  const id = await resolveModelId(em, ref);
  const m = await em.findOneOrFail(MlModel, { id }, { populate: ['artifact'] });
  let bundle;
  try {
    bundle = decodeBundle(new Uint8Array(m.artifact as unknown as Uint8Array));
  } catch (error) {
    if (error instanceof BundleFormatError) throw new InputError(`model ${m.name} v${m.version} (${m.id}): ${error.message}`);
    throw error;
  }
  const heads: Partial<Record<HeadName, TrainedHead>> = {};
  for (const h of HEADS) if (bundle.heads[h]) heads[h] = bundle.heads[h];
  const metrics = m.metrics as Partial<Record<HeadName, HeadMetrics>>;
  const quality = Object.fromEntries(HEADS.filter((h) => metrics[h]).map((h) => [h, metrics[h]!.macroF1]));
  const languageSamples = (m.parameters as { languages?: Record<string, number> }).languages ?? null;
  return { id: m.id, name: m.name, version: m.version, heads, vectorizer: bundle.vectorizer, quality, languageSamples };
}

/** The active model, or a NoModelError (exit 2) telling what to run. */
export async function loadActiveModel(em: EntityManager): Promise<LoadedModel> {
  const id = await activeModelId(em);
  if (!id) throw new NoModelError();
  return loadModel(em, id);
}
