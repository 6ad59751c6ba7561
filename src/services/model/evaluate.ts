import type { EntityManager } from '@mikro-orm/sql';
import { evaluate, type EvalMetrics } from '../../ml/metrics.ts';
import { InputError } from '../../errors.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import { classifyText } from './classify.ts';
import { readLabelledFile, type FieldMapping } from './labelled-file.ts';
import { activeModelId, getModel, loadModel, NoModelError } from './registry.ts';

export interface HeadEvaluation extends EvalMetrics {
  /** Labels in the file that the model never saw (always predicted wrong). */
  unknownLabels?: string[];
}

export interface EvaluationReport {
  model: { id: string; name: string; version: number };
  source: { kind: 'holdout' } | { kind: 'file'; file: string; rows: number };
  heads: Partial<Record<HeadName, HeadEvaluation>>;
  /** Heads that could not be evaluated, and why. */
  skipped: { head: HeadName; reason: string }[];
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
  const wanted = HEADS;
  const truth = new Map<HeadName, string[]>(wanted.map((h) => [h, []]));
  const predicted = new Map<HeadName, string[]>(wanted.map((h) => [h, []]));
  const confidence = new Map<HeadName, number[]>(wanted.map((h) => [h, []]));
  const present = new Set<HeadName>();
  let rows = 0;
  for await (const row of readLabelledFile(file, mapping)) {
    rows++;
    const text = row.values.subject ? `${row.values.subject}\n${row.values.body ?? ''}` : (row.values.body ?? '');
    const predictions = classifyText(model, text, 1);
    for (const head of wanted) {
      const label = row.values[head]?.trim();
      if (label === undefined) continue;
      present.add(head);
      const p = predictions[head];
      if (!label || !p) continue;
      truth.get(head)!.push(label);
      predicted.get(head)!.push(p.label);
      confidence.get(head)!.push(p.confidence);
    }
  }
  if (rows === 0) throw new InputError(`${file}: no rows to evaluate`);
  const heads: EvaluationReport['heads'] = {};
  const skipped: EvaluationReport['skipped'] = [];
  for (const head of HEADS) {
    if (!present.has(head)) {
      if (mapping[head] !== undefined) skipped.push({ head, reason: `no "${mapping[head]}" values in the file` });
      continue;
    }
    const trained = model.heads[head];
    if (!trained) {
      skipped.push({ head, reason: 'the model has no such head (too few labelled samples when it was trained)' });
      continue;
    }
    const yTrue = truth.get(head)!;
    if (yTrue.length === 0) {
      skipped.push({ head, reason: 'every row has an empty label' });
      continue;
    }
    const known = new Set(trained.labels);
    const unknown = [...new Set(yTrue.filter((l) => !known.has(l)))].sort();
    const labels = [...new Set([...trained.labels, ...yTrue])].sort();
    const metrics: HeadEvaluation = evaluate(yTrue, predicted.get(head)!, { labels, confidences: confidence.get(head)! });
    if (unknown.length > 0) metrics.unknownLabels = unknown;
    heads[head] = metrics;
  }
  if (Object.keys(heads).length === 0) {
    throw new InputError(`${file}: no labelled column to evaluate: map one with --map category=COLUMN (or department, priority, issue_type)`);
  }
  return { model: { id: model.id, name: model.name, version: model.version }, source: { kind: 'file', file, rows }, heads, skipped };
}
