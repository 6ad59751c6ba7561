import type { EntityManager } from '@mikro-orm/sql';
import { detectLanguage } from '../../ml/language.ts';
import { evaluate, type EvalMetrics } from '../../ml/metrics.ts';
import { InputError } from '../../errors.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { splitOf } from '../export/split.ts';
import { contentHash, deriveSubject, SUBJECT_MAX } from '../tickets/text.ts';
import { classifyText } from './classify.ts';
import { ISSUE_TYPES, LANGUAGES, PRIORITIES } from '../../entities/enums.ts';
import type { ImportField } from '../import/fields.ts';
import type { InputSource } from '../import/input.ts';
import { readRows, type ReadOptions } from '../import/reader.ts';
import { describeRowError, FIELD_INDEX, RowFields } from '../import/rows.ts';
import type { ValueMaps } from '../import/values.ts';
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

/** What `model evaluate --file` reads: the importer's reader options, and its value maps. */
export interface LabelledFile extends Omit<ReadOptions, 'fields' | 'input'> {
  /** Opens the file (once the model is loaded: a stream opened before a failure would be left open). */
  open: () => InputSource;
  /** Foreign values of language, priority and issue type -> ours (a preset's, then `--value`). */
  values?: ValueMaps | undefined;
}

/** The fields evaluation reads; the others a map or preset names (external_id, times, ...) are ignored. */
const EVALUATED_FIELDS = ['body', 'subject', 'language', 'category', 'department', 'priority', 'issue_type'] as const satisfies readonly ImportField[];

/**
 * Classifies every record of a labelled export (streamed, nothing imported) and scores each head
 * the file has labels for. The file is read by the importer's reader with its rules for these
 * fields, so the file, `--map` and preset that `import tickets` takes are taken here; a record it
 * would reject stops the evaluation with the importer's one line (file:line column "value": reason).
 */
export async function evaluateFile(em: EntityManager, source: LabelledFile, ref?: string): Promise<EvaluationReport> {
  const model = await loadModel(em, await modelRef(em, ref));
  const input = source.open();
  const file = input.name;
  const reader = await readRows({ ...source, input, fields: EVALUATED_FIELDS });
  const values = source.values ?? new Map();
  const emptyValues = source.preset?.emptyValues ? new Set(source.preset.emptyValues.map((v) => v.trim().toLowerCase())) : undefined;
  const scorer = new Scorer(model);
  const hashes: string[] = [];
  const labelled = new Set<HeadName>();
  let rows = 0;
  for await (const batch of reader.batches) {
    for (const raw of batch) {
      rows++;
      if (raw.rowError) throw new InputError(describeRowError(file, { line: raw.line, field: null, value: raw.rowError.value, reason: raw.rowError.reason }));
      const fields = new RowFields(raw, reader.columnName, values, emptyValues);
      const body = fields.body();
      const subject = fields.text('subject', SUBJECT_MAX);
      const language = fields.enumValue('language', LANGUAGES);
      const labels: Partial<Record<HeadName, string>> = {
        category: fields.text('category', 120),
        department: fields.text('department', 120),
        priority: fields.enumValue('priority', PRIORITIES),
        issue_type: fields.enumValue('issue_type', ISSUE_TYPES),
      };
      if (fields.errors.length > 0) throw new InputError(describeRowError(file, fields.errors[0]!));
      // The text and hash a training sample of this row would have (see the import's staging).
      const subjectDerived = subject === undefined || subject === body;
      const text = subjectDerived ? body! : `${subject}\n${body}`;
      hashes.push(contentHash(subject ?? deriveSubject(body!), body!));
      for (const head of HEADS) if (raw.values[FIELD_INDEX[head]] !== undefined) labelled.add(head);
      // A head the file has a column for counts as present even on rows that leave it empty.
      scorer.add(text, Object.fromEntries(HEADS.map((h) => [h, labelled.has(h) ? (labels[h] ?? '') : undefined])), language ?? detectLanguage(text).language);
    }
  }
  if (rows === 0) throw new InputError(`${file}: no rows to evaluate`);
  const { heads, skipped } = scorer.score((head) => (labelled.has(head) ? `no ${reader.columnName(head)} values in the file` : undefined));
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
