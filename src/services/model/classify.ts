import type { Prediction, TrainedHead } from '../../ml/classifier.ts';
import type { SparseVector } from '../../ml/features.ts';
import { Predictor } from '../../ml/predictor.ts';
import { prepareText } from '../../ml/text.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import type { TicketClassifier } from '../pipeline/classifier.ts';
import type { LoadedModel } from './registry.ts';

export type HeadPredictions = Partial<Record<HeadName, Prediction>>;

export const TOP_N = 3;

/**
 * All heads compiled into one `Predictor` (src/ml/predictor.ts), once per loaded model: a text is
 * vectorised once and scored by every head in one pass over one fused, feature-major table of
 * 8-bit codes. Scores are bit-identical to `decisionScores` per head on the vector of
 * `transformPrepared`: the same products are added in the same order, and a head without a row
 * for a feature adds 0 (tests/unit/model/classify-fast-path.test.ts).
 */
interface Fused {
  heads: { name: HeadName; head: TrainedHead; offset: number; k: number }[];
  predictor: Predictor;
  /** Scratch: probabilities of every head, reused for each text. */
  probs: Float64Array;
}

const fusedOf = new WeakMap<LoadedModel, Fused>();

function fuse(model: LoadedModel): Fused {
  let f = fusedOf.get(model);
  if (f) return f;
  const named = HEADS.filter((name) => model.heads[name]).map((name) => ({ name, head: model.heads[name]! }));
  const predictor = new Predictor(model.vectorizer, named);
  const heads = predictor.heads.map((h) => ({ ...h, name: h.name as HeadName }));
  f = { heads, predictor, probs: new Float64Array(predictor.width) };
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

function predictions(f: Fused, scores: Float64Array, topN: number): HeadPredictions {
  const out: HeadPredictions = {};
  for (const h of f.heads) out[h.name] = topLabels(h.head, scores, f.probs, h.offset, h.k, topN);
  return out;
}

/** Every head's prediction for an already computed feature vector (one pass over its features). */
export function classifyVector(model: LoadedModel, x: SparseVector, topN = TOP_N): HeadPredictions {
  const f = fuse(model);
  return predictions(f, f.predictor.scoreVector(x.indices, x.values), topN);
}

/** Vectorises each text once and scores it with every head of the model. */
export function classifyTexts(model: LoadedModel, texts: readonly string[], topN = TOP_N): HeadPredictions[] {
  const f = fuse(model);
  const out = new Array<HeadPredictions>(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = predictions(f, f.predictor.scorePrepared(prepareText(texts[i]!)), topN);
  return out;
}

export function classifyText(model: LoadedModel, text: string, topN = TOP_N): HeadPredictions {
  const f = fuse(model);
  return predictions(f, f.predictor.scorePrepared(prepareText(text)), topN);
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
    languageSamples: model.languageSamples ?? null,
    classify: (texts) => classifyTexts(model, texts).map((p) => trustedHeads(model, p, minQuality)),
  };
}
