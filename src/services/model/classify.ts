import { vectorize } from '../../ml/classifier.ts';
import type { Prediction, TrainedHead } from '../../ml/classifier.ts';
import type { SparseVector } from '../../ml/features.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import type { TicketClassifier } from '../pipeline/classifier.ts';
import type { LoadedModel } from './registry.ts';

export type HeadPredictions = Partial<Record<HeadName, Prediction>>;

export const TOP_N = 3;

/**
 * All heads' weights fused into one table: one bucket -> row lookup and one row of
 * (sum of the heads' label counts) weights per feature, instead of one lookup and one row per
 * head. Scoring is memory-bound (random access into tables of several MB), so this makes four
 * heads cost about as much as one. Scores are bit-identical to `decisionScores` per head: the
 * same products are added in the same order, and a head without a row for a bucket adds 0.
 */
interface Fused {
  heads: { name: HeadName; head: TrainedHead; offset: number; k: number }[];
  /** bucket -> fused row, or -1. */
  rowOf: Int32Array;
  /** rows × width, row-major. */
  weights: Float32Array;
  bias: Float64Array;
  width: number;
  /** Scratch: scores and probabilities of every head, reused for each text. */
  scores: Float64Array;
  probs: Float64Array;
}

const fusedOf = new WeakMap<LoadedModel, Fused>();

function fuse(model: LoadedModel): Fused {
  let f = fusedOf.get(model);
  if (f) return f;
  const heads: Fused['heads'] = [];
  let width = 0;
  for (const name of HEADS) {
    const head = model.heads[name];
    if (!head) continue;
    heads.push({ name, head, offset: width, k: head.labels.length });
    width += head.labels.length;
  }
  const dim = 1 << model.vectorizer.config.bits;
  const rowOf = new Int32Array(dim).fill(-1);
  let rows = 0;
  for (let b = 0; b < dim; b++) {
    for (const h of heads) {
      if (h.head.rowOf[b]! >= 0) {
        rowOf[b] = rows++;
        break;
      }
    }
  }
  const weights = new Float32Array(rows * width);
  const bias = new Float64Array(width);
  for (const { head, offset, k } of heads) {
    for (let j = 0; j < k; j++) bias[offset + j] = head.bias[j]!;
    for (let b = 0; b < dim; b++) {
      const r = head.rowOf[b]!;
      if (r < 0) continue;
      const base = rowOf[b]! * width + offset;
      for (let j = 0; j < k; j++) weights[base + j] = head.weights[r * k + j]!;
    }
  }
  f = { heads, rowOf, weights, bias, width, scores: new Float64Array(width), probs: new Float64Array(width) };
  fusedOf.set(model, f);
  return f;
}

/** Softmax of one head's scores / T, then its `n` most probable labels (ties: the earlier label). */
function topLabels(head: TrainedHead, s: Float64Array, p: Float64Array, offset: number, K: number, n: number): Prediction {
  const T = head.temperature;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (s[offset + k]! > max) max = s[offset + k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((s[offset + k]! - max) / T);
    p[offset + k] = e;
    sum += e;
  }
  const top: { label: string; p: number }[] = [];
  let taken0 = -1;
  let taken1 = -1;
  for (let t = 0; t < Math.min(n, K); t++) {
    let best = -1;
    for (let k = 0; k < K; k++) {
      if (k === taken0 || k === taken1 || (t > 2 && top.some((e) => e.label === head.labels[k]))) continue;
      if (best < 0 || p[offset + k]! > p[offset + best]!) best = k;
    }
    if (t === 0) taken0 = best;
    else if (t === 1) taken1 = best;
    top.push({ label: head.labels[best]!, p: p[offset + best]! / sum });
  }
  return { label: top[0]!.label, confidence: top[0]!.p, top };
}

/** Every head's prediction for an already computed feature vector (one pass over its features). */
export function classifyVector(model: LoadedModel, x: SparseVector, topN = TOP_N): HeadPredictions {
  const f = fuse(model);
  const { rowOf, weights, width, scores } = f;
  scores.set(f.bias);
  const idx = x.indices;
  const val = x.values;
  for (let j = 0; j < idx.length; j++) {
    const r = rowOf[idx[j]!]!;
    if (r < 0) continue;
    const v = val[j]!;
    const base = r * width;
    for (let k = 0; k < width; k++) scores[k] = scores[k]! + v * weights[base + k]!;
  }
  const out: HeadPredictions = {};
  for (const h of f.heads) out[h.name] = topLabels(h.head, scores, f.probs, h.offset, h.k, topN);
  return out;
}

/** Vectorises each text once and scores it with every head of the model. */
export function classifyTexts(model: LoadedModel, texts: readonly string[], topN = TOP_N): HeadPredictions[] {
  const out = new Array<HeadPredictions>(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = classifyVector(model, vectorize(model.vectorizer, texts[i]!), topN);
  return out;
}

export function classifyText(model: LoadedModel, text: string, topN = TOP_N): HeadPredictions {
  return classifyVector(model, vectorize(model.vectorizer, text), topN);
}

/**
 * Drops the predictions of heads whose holdout macro-F1 is below `minQuality`, so that a head
 * trained on a few dozen samples does not overrule the explainable rules. The category head is
 * always kept: its confidence is what the escalation threshold is compared with.
 */
export function trustedHeads(model: LoadedModel, predictions: HeadPredictions, minQuality: number): HeadPredictions {
  const out: HeadPredictions = {};
  for (const [head, prediction] of Object.entries(predictions) as [HeadName, Prediction][]) {
    if (head === 'category' || (model.quality[head] ?? 0) >= minQuality) out[head] = prediction;
  }
  return out;
}

/** The stored model as the pipeline's classifier (src/services/pipeline/classifier.ts). */
export function ticketClassifier(model: LoadedModel, minQuality = 0): TicketClassifier {
  return {
    modelId: model.id,
    modelName: `${model.name} v${model.version}`,
    classify: (texts) => classifyTexts(model, texts).map((p) => trustedHeads(model, p, minQuality)),
  };
}
