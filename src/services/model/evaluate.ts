import type { EntityManager } from '@mikro-orm/sql';
import { detectLanguage } from '../../ml/language.ts';
import { evaluate, type EvalMetrics } from '../../ml/metrics.ts';
import { InputError } from '../../errors.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { splitOf } from '../export/split.ts';
import { contentHash, deriveSubject } from '../tickets/text.ts';
import { classifyText } from './classify.ts';
import { readLabelledFile, type FieldMapping } from './labelled-file.ts';
import { activeModelId, getModel, loadModel, NoModelError, type LoadedModel } from './registry.ts';
import { metricsByLanguage, type LanguageMetrics } from './train.ts';
import { loadTrainingData, type SplitFilter } from './training-data.ts';

export interface HeadEvaluation extends EvalMetrics {
  /** Labels in the file that the model never saw (always predicted wrong). */
  unknownLabels?: string[];
  /** The same figures per language of the evaluated texts. */
  byLanguage?: Record<string, LanguageMetrics>;
}

/**
 * Evaluated texts that the model was trained on (same content hash in training_samples, or on
 * the side of the split it was trained on): figures on them flatter the model.
 */
export interface Overlap {
  rows: number;
  share: number;
}

export interface EvaluationReport {
  model: { id: string; name: string; version: number };
  source: { kind: 'holdout' } | { kind: 'file'; file: string; rows: number } | { kind: 'split'; part: string; shares: string; rows: number };
  heads: Partial<Record<HeadName, HeadEvaluation>>;
  /** Heads that could not be evaluated, and why. */
  skipped: { head: HeadName; reason: string }[];
  /** Present for a file or a split: how many evaluated texts the model was trained on. */
  overlap?: Overlap;
}

/** Collects true and predicted labels per head, with each text's language, and scores them. */
class Scorer {
  readonly truth = new Map<HeadName, string[]>(HEADS.map((h) => [h, []]));
  readonly predicted = new Map<HeadName, string[]>(HEADS.map((h) => [h, []]));
  readonly confidence = new Map<HeadName, number[]>(HEADS.map((h) => [h, []]));
  readonly languages = new Map<HeadName, (string | null)[]>(HEADS.map((h) => [h, []]));
  readonly present = new Set<HeadName>();
  private readonly model: LoadedModel;
  constructor(model: LoadedModel) {
    this.model = model;
  }

  add(text: string, labels: Partial<Record<HeadName, string | null | undefined>>, language: string | null): void {
    const predictions = classifyText(this.model, text, 1);
    for (const head of HEADS) {
      const label = labels[head]?.trim();
      if (label === undefined) continue;
      this.present.add(head);
      const p = predictions[head];
      if (!label || !p) continue;
      this.truth.get(head)!.push(label);
      this.predicted.get(head)!.push(p.label);
      this.confidence.get(head)!.push(p.confidence);
      this.languages.get(head)!.push(language);
    }
  }

  /** Metrics per head that has labels; the others are skipped with the reason. */
  score(missing: (head: HeadName) => string | undefined): Pick<EvaluationReport, 'heads' | 'skipped'> {
    const heads: EvaluationReport['heads'] = {};
    const skipped: EvaluationReport['skipped'] = [];
    for (const head of HEADS) {
      if (!this.present.has(head)) {
        const reason = missing(head);
        if (reason) skipped.push({ head, reason });
        continue;
      }
      const trained = this.model.heads[head];
      if (!trained) {
        skipped.push({ head, reason: 'the model has no such head (too few labelled samples when it was trained)' });
        continue;
      }
      const yTrue = this.truth.get(head)!;
      if (yTrue.length === 0) {
        skipped.push({ head, reason: 'every row has an empty label' });
        continue;
      }
      const known = new Set(trained.labels);
      const unknown = [...new Set(yTrue.filter((l) => !known.has(l)))].sort();
      const labels = [...new Set([...trained.labels, ...yTrue])].sort();
      const predicted = this.predicted.get(head)!;
      const metrics: HeadEvaluation = evaluate(yTrue, predicted, { labels, confidences: this.confidence.get(head)! });
      if (unknown.length > 0) metrics.unknownLabels = unknown;
      const languages = this.languages.get(head)!;
      metrics.byLanguage = metricsByLanguage(
        yTrue.map((truth, row) => ({ row, truth, predicted: predicted[row]! })),
        (row) => languages[row] ?? null,
      );
      heads[head] = metrics;
    }
    return { heads, skipped };
  }
}

/** How many of these content hashes are training samples (read in slices of 5,000). */
async function countTrained(em: EntityManager, hashes: readonly string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < hashes.length; i += 5000) {
    const slice = [...new Set(hashes.slice(i, i + 5000))];
    const [row] = await em.getConnection().execute<{ n: number }[]>(
      `select count(*)::int as "n" from "training_samples" where "content_hash" in (${slice.map(() => '?').join(',')})`,
      slice,
    );
    found += Number(row?.n ?? 0);
  }
  return found;
}

async function modelRef(em: EntityManager, ref: string | undefined): Promise<string> {
  if (ref !== undefined) return ref;
  const id = await activeModelId(em);
  if (!id) throw new NoModelError();
  return id;
}

/** The metrics measured on the model's own stratified holdout when it was trained. */
export async function evaluateHoldout(em: EntityManager, ref?: string): Promise<EvaluationReport> {
  const details = await getModel(em, await modelRef(em, ref));
  const heads: EvaluationReport['heads'] = {};
  const skipped: EvaluationReport['skipped'] = [];
  for (const head of details.heads) {
    const m = details.metrics[head];
    if (!m) {
      skipped.push({ head, reason: 'no holdout metrics stored' });
      continue;
    }
    const { temperature: _t, ...metrics } = m;
    heads[head] = metrics;
  }
  return { model: { id: details.id, name: details.name, version: details.version }, source: { kind: 'holdout' }, heads, skipped };
}

/** Classifies every row of a labelled file (streamed, nothing imported) and scores each mapped head. */
export async function evaluateFile(em: EntityManager, file: string, mapping: FieldMapping, ref?: string): Promise<EvaluationReport> {
  const model = await loadModel(em, await modelRef(em, ref));
  const scorer = new Scorer(model);
  const hashes: string[] = [];
  let rows = 0;
  for await (const row of readLabelledFile(file, mapping)) {
    rows++;
    const body = row.values.body ?? '';
    const text = row.values.subject ? `${row.values.subject}\n${body}` : body;
    hashes.push(contentHash(row.values.subject?.trim() || deriveSubject(body), body));
    const given = row.values.language?.trim().toLowerCase();
    const language = given && ['ru', 'kk', 'en'].includes(given) ? given : detectLanguage(text).language;
    scorer.add(text, row.values, language);
  }
  if (rows === 0) throw new InputError(`${file}: no rows to evaluate`);
  const { heads, skipped } = scorer.score((head) => (mapping[head] !== undefined ? `no "${mapping[head]}" values in the file` : undefined));
  if (Object.keys(heads).length === 0) {
    throw new InputError(`${file}: no labelled column to evaluate: map one with --map category=COLUMN (or department, priority, issue_type)`);
  }
  const trained = await countTrained(em, hashes);
  return {
    model: { id: model.id, name: model.name, version: model.version },
    source: { kind: 'file', file, rows },
    heads,
    skipped,
    overlap: { rows: trained, share: trained / rows },
  };
}

/**
 * Scores the model on the database's own training samples of one side of the hash split
 * (`--split dev`). When the model was trained on that side too (trained without a split, or on
 * another filter that includes it), the overlap says how many of the texts it has seen.
 */
export async function evaluateSplit(em: EntityManager, filter: SplitFilter & { part: string }, ref?: string): Promise<EvaluationReport> {
  const id = await modelRef(em, ref);
  const model = await loadModel(em, id);
  const details = await getModel(em, id);
  const data = await loadTrainingData(em, { split: filter });
  if (data.texts.length === 0) throw new InputError(`no training samples on the "${filter.part}" side of the split`);
  const scorer = new Scorer(model);
  for (let i = 0; i < data.texts.length; i++) {
    scorer.add(data.texts[i]!, Object.fromEntries(HEADS.map((h) => [h, data.labels[h][i]])), data.languages[i] ?? null);
  }
  const { heads, skipped } = scorer.score(() => undefined);
  const shares = filter.split.parts.map((p) => `${p.name}=${p.share}`).join(',');
  const trainedOn = details.parameters.split as { shares: string; part?: string; excludePart?: string } | null | undefined;
  // Seen in training: every sample of the part, unless the model was trained on the same split
  // with this part left out (or on another part only).
  const separate = trainedOn?.shares === shares && (trainedOn.excludePart === filter.part || (trainedOn.part !== undefined && trainedOn.part !== filter.part));
  const seen = separate ? 0 : trainedOn ? data.hashes.filter((h) => inTrainingSide(trainedOn, h)).length : data.texts.length;
  return {
    model: { id: model.id, name: model.name, version: model.version },
    source: { kind: 'split', part: filter.part, shares, rows: data.texts.length },
    heads,
    skipped,
    overlap: { rows: seen, share: seen / data.texts.length },
  };
}

/** Whether a sample with this hash was on the side a model with this split was trained on. */
function inTrainingSide(trainedOn: { shares: string; part?: string; excludePart?: string }, hash: string): boolean {
  const parts = trainedOn.shares.split(',').map((piece) => {
    const [name, share] = piece.split('=');
    return { name: name!, share: Number(share) };
  });
  const side = splitOf({ parts }, hash);
  if (trainedOn.part !== undefined) return side === trainedOn.part;
  return side !== trainedOn.excludePart;
}
