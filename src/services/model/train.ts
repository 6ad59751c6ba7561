import { plural } from '../../output/plural.ts';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { DEFAULT_SVM_PARAMS, trainHead, type TrainedHead } from '../../ml/classifier.ts';
import { tuneHead, type TuneResult } from '../../ml/tune.ts';
import { compactColumns, DEFAULT_VECTORIZER_CONFIG, fitTransform, releaseBuffer } from '../../ml/features.ts';
import { evaluate, type EvalMetrics } from '../../ml/metrics.ts';
import { prepareText } from '../../ml/text.ts';
import { MlModel } from '../../entities/index.ts';
import { ConflictError, InputError } from '../../errors.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { encodeBundle } from './bundle.ts';
import { countLabels, loadTrainingData, type SplitFilter, type TrainingData } from './training-data.ts';
import { findGaps, languageCounts, type Gap } from './gaps.ts';

export const MODEL_NAME = 'helpdesk-classifier';
export const ALGORITHM = 'hashed tf-idf (word 1-2, char_wb 2-5) + one-vs-rest linear SVM, temperature-calibrated';
export const DEFAULT_SEED = 42;
export const DEFAULT_MIN_SAMPLES = 50;
export const HOLDOUT_SHARE = 0.2;

export interface TrainProgress {
  /** 1-based step, out of `steps`. */
  step: number;
  steps: number;
  /** What is being done, in words ("loading samples", "training head category"). */
  label: string;
}

export interface TrainOptions {
  heads?: readonly HeadName[];
  seed?: number;
  activate?: boolean;
  /** A head is trained when it has at least this many labelled samples (and two labels). */
  minSamples?: number;
  /** Train only on one side of the stable hash split (`--split train`, `--exclude-split dev`). */
  split?: SplitFilter;
  /** Choose C and class weighting by cross-validation within this many seconds; false: the defaults. */
  tune?: { budgetSeconds: number } | false;
  onProgress?: (progress: TrainProgress) => void;
  /** A remark for the person training (stderr). */
  onNotice?: (text: string) => void;
}

/**
 * Below this many labelled samples the folds' macro-F1 differ by more than the settings do (on
 * the 108 fixture tickets the 13 settings spread over 0.457-0.489, noise), so tuning is skipped.
 */
export const MIN_TUNE_SAMPLES = 1000;

/** A head's figures on the holdout rows of one language. */
export interface LanguageMetrics {
  samples: number;
  accuracy: number;
  macroF1: number;
}

/** What is stored in ml_models.metrics per head: the holdout run's metrics. */
export interface HeadMetrics extends EvalMetrics {
  /** Softmax temperature fitted on the holdout. */
  temperature: number;
  /** The same holdout broken down by the samples' language (ru, kk, en, unknown). */
  byLanguage?: Record<string, LanguageMetrics>;
}

export interface TrainedHeadSummary {
  head: HeadName;
  samples: number;
  classes: number;
  holdout: number;
  accuracy: number;
  macroF1: number;
  ece: number | null;
  byLanguage: Record<string, LanguageMetrics>;
}

export interface SkippedHead {
  head: HeadName;
  reason: string;
}

export interface TrainResult {
  id: string;
  name: string;
  version: number;
  active: boolean;
  sampleCount: number;
  heads: TrainedHeadSummary[];
  skipped: SkippedHead[];
  /** Samples per language among those trained on. */
  languages: Record<string, number>;
  /** What the model cannot (or can barely) predict: labels and languages with no or few samples. */
  gaps: Gap[];
  /** The side of the hash split trained on, when one was chosen. */
  split: { shares: string; part?: string; excludePart?: string } | null;
  /** What cross-validation tried and chose (null with --no-tune). */
  tuning: (TuneResult & { head: HeadName }) | null;
  artifactBytes: number;
  trainingSeconds: number;
  trainedAt: string;
}

/** Per-language metrics of a head's holdout rows. */
export function metricsByLanguage(rows: readonly { row: number; truth: string; predicted: string }[], languageOf: (row: number) => string | null): Record<string, LanguageMetrics> {
  const groups = new Map<string, { truth: string[]; predicted: string[] }>();
  for (const r of rows) {
    const language = languageOf(r.row) ?? 'unknown';
    if (!groups.has(language)) groups.set(language, { truth: [], predicted: [] });
    const g = groups.get(language)!;
    g.truth.push(r.truth);
    g.predicted.push(r.predicted);
  }
  const out: Record<string, LanguageMetrics> = {};
  for (const language of [...groups.keys()].sort()) {
    const g = groups.get(language)!;
    const m = evaluate(g.truth, g.predicted);
    out[language] = { samples: g.truth.length, accuracy: m.accuracy, macroF1: m.macroF1 };
  }
  return out;
}

/** Which of the requested heads can be trained, and why the others cannot. */
export function planHeads(data: TrainingData, requested: readonly HeadName[], minSamples: number): { train: HeadName[]; skipped: SkippedHead[] } {
  const counts = new Map(countLabels(data).map((c) => [c.head, c]));
  const train: HeadName[] = [];
  const skipped: SkippedHead[] = [];
  for (const head of requested) {
    const c = counts.get(head)!;
    if (c.samples < minSamples) skipped.push({ head, reason: `${plural(c.samples, 'labelled sample')}, fewer than the ${minSamples} needed` });
    else if (c.classes < 2) skipped.push({ head, reason: `only one label (${plural(c.samples, 'sample')}): nothing to tell apart` });
    else train.push(head);
  }
  return { train, skipped };
}

/**
 * The vectorizer and the training matrix of the kept rows. The texts are let go once prepared and
 * the prepared ones once counted (only the matrix is needed from here on), and the matrix's
 * buckets become column ids in place, so that every head and tuning fold solves on this one
 * matrix without a copy of it.
 */
function vectorize(all: TrainingData, keep: readonly number[]): ReturnType<typeof fitTransform> {
  let prepared: string[] | null = keep.map((i) => prepareText(all.texts[i]!));
  all.texts = [];
  const fitted = fitTransform(prepared, DEFAULT_VECTORIZER_CONFIG);
  prepared = null;
  compactColumns(fitted.matrix);
  return fitted;
}

export async function trainModel(em: EntityManager, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const requested = options.heads && options.heads.length > 0 ? [...new Set(options.heads)] : [...HEADS];
  const seed = options.seed ?? DEFAULT_SEED;
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const progress = options.onProgress ?? (() => undefined);

  progress({ step: 1, steps: 3, label: 'loading samples' });
  const all = await loadTrainingData(em, options.split ? { split: options.split } : {});
  if (all.texts.length === 0) {
    throw new InputError(options.split ? 'no training data on that side of the split' : 'no training data: training_samples is empty (import labelled tickets first)');
  }
  const { train, skipped } = planHeads(all, requested, minSamples);
  if (train.length === 0) {
    throw new InputError(`no head has enough training data: ${skipped.map((s) => `${s.head}: ${s.reason}`).join('; ')}`);
  }
  // Only rows labelled for at least one trained head take part (also in the IDF).
  const keep: number[] = [];
  for (let i = 0; i < all.texts.length; i++) if (train.some((h) => all.labels[h][i] !== null)) keep.push(i);
  const steps = 3 + train.length;

  progress({ step: 2, steps, label: `preparing ${keep.length} texts` });
  const { vectorizer, matrix } = vectorize(all, keep);

  // Tuned on the category head (its confidence decides auto-resolution and escalation), or the
  // first head trained; the setting chosen is used for every head.
  let tuning: TrainResult['tuning'] = null;
  const tuneOn = train.includes('category') ? 'category' : train[0]!;
  const tunable = keep.filter((i) => all.labels[tuneOn][i] !== null).length;
  if (options.tune && tunable < MIN_TUNE_SAMPLES) {
    options.onNotice?.(`not tuned: ${tunable} labelled samples of ${tuneOn}, fewer than the ${MIN_TUNE_SAMPLES} cross-validation needs to tell settings apart; the defaults are kept`);
  } else if (options.tune) {
    const head = tuneOn;
    progress({ step: 2, steps, label: `tuning on head ${head}` });
    const result = tuneHead(vectorizer, matrix, keep.map((i) => all.labels[head][i] ?? null), {
      seed,
      budgetSeconds: options.tune.budgetSeconds,
      onTrial: (_trial, n, of) => progress({ step: 2, steps, label: `tuning on head ${head}: ${n + 1}/${of}` }),
    });
    tuning = { head, ...result };
  }
  const svm = { C: tuning?.chosen.C ?? DEFAULT_SVM_PARAMS.C, balancePower: tuning?.chosen.balancePower ?? DEFAULT_SVM_PARAMS.balancePower };
  const heads: Partial<Record<HeadName, TrainedHead>> = {};
  const metrics: Partial<Record<HeadName, HeadMetrics>> = {};
  const summaries: TrainedHeadSummary[] = [];
  for (const [n, head] of train.entries()) {
    progress({ step: 3 + n, steps, label: `training head ${head}` });
    const labels = keep.map((i) => all.labels[head][i]!);
    const result = trainHead(vectorizer, matrix, labels, { seed, holdout: HOLDOUT_SHARE, refit: true, ...svm });
    heads[head] = result.model;
    const m = result.holdoutMetrics;
    const byLanguage = metricsByLanguage(result.holdoutRows ?? [], (row) => all.languages[keep[row]!] ?? null);
    if (m) metrics[head] = { ...m, temperature: result.model.temperature, byLanguage };
    summaries.push({
      head,
      samples: labels.filter((l) => l !== null).length,
      classes: result.model.labels.length,
      holdout: m?.n ?? 0,
      accuracy: m?.accuracy ?? Number.NaN,
      macroF1: m?.macroF1 ?? Number.NaN,
      ece: m?.ece ?? null,
      byLanguage,
    });
  }
  // The matrix (8 bytes a non-zero: 126 MB for 28,684 it-tickets texts) is not needed to store
  // the model: freed now rather than at the next full collection.
  for (const array of [matrix.indptr, matrix.indices, matrix.values]) releaseBuffer(array);
  const languages = languageCounts(keep.map((i) => all.languages[i] ?? null));
  const gaps = await findGaps(em, all, keep, train, languages);
  const split = options.split
    ? { shares: options.split.split.parts.map((p) => `${p.name}=${p.share}`).join(','), ...(options.split.part !== undefined ? { part: options.split.part } : {}), ...(options.split.excludePart !== undefined ? { excludePart: options.split.excludePart } : {}) }
    : null;

  progress({ step: steps, steps, label: 'storing the model' });
  const artifact = encodeBundle({ vectorizer, heads: heads as Record<string, TrainedHead> });
  const trainingSeconds = Math.round((performance.now() - started) / 100) / 10;
  const trainedAt = new Date();
  const parameters = {
    seed,
    minSamples,
    holdout: HOLDOUT_SHARE,
    heads: train,
    skipped,
    vectorizer: vectorizer.config,
    svm: { ...DEFAULT_SVM_PARAMS, ...svm },
    tuning,
    epochs: Object.fromEntries(train.map((h) => [h, heads[h]!.params.epochs])),
    temperature: Object.fromEntries(train.map((h) => [h, heads[h]!.temperature])),
    trainingSeconds,
    languages,
    gaps,
    split,
  };

  const stored = await store(em, {
    artifact,
    labels: Object.fromEntries(train.map((h) => [h, heads[h]!.labels])),
    metrics,
    parameters,
    sampleCount: keep.length,
    trainedAt,
    activate: options.activate ?? false,
  });
  return {
    id: stored.id,
    name: MODEL_NAME,
    version: stored.version,
    active: options.activate ?? false,
    sampleCount: keep.length,
    heads: summaries,
    skipped,
    languages,
    gaps,
    split,
    tuning,
    artifactBytes: artifact.length,
    trainingSeconds,
    trainedAt: trainedAt.toISOString(),
  };
}

interface StoreInput {
  artifact: Uint8Array;
  labels: Record<string, string[]>;
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  sampleCount: number;
  trainedAt: Date;
  activate: boolean;
}

/** One transaction: next version, deactivate the previous active model if asked, insert. */
async function store(em: EntityManager, input: StoreInput): Promise<{ id: string; version: number }> {
  try {
    return await em.transactional(async (tx) => {
      const [row] = await tx.getConnection().execute<{ v: number }[]>(
        'select coalesce(max("version"), 0)::int as "v" from "ml_models" where "name" = ?',
        [MODEL_NAME],
        'all',
        tx.getTransactionContext(),
      );
      const version = Number(row?.v ?? 0) + 1;
      if (input.activate) await tx.nativeUpdate(MlModel, { active: true }, { active: false });
      const model = tx.create(MlModel, {
        name: MODEL_NAME,
        version,
        algorithm: ALGORITHM,
        artifact: Buffer.from(input.artifact.buffer, input.artifact.byteOffset, input.artifact.byteLength),
        labels: input.labels,
        metrics: input.metrics,
        parameters: input.parameters,
        sampleCount: input.sampleCount,
        trainedAt: input.trainedAt,
        active: input.activate,
      });
      await tx.flush();
      return { id: model.id, version };
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) {
      throw new ConflictError('another model was stored at the same time: run `helpdesk model train` again');
    }
    throw error;
  }
}
