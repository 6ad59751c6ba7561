import { decisionScores, vectorize } from '../../ml/classifier.ts';
import type { Prediction, TrainedHead } from '../../ml/classifier.ts';
import type { SparseVector } from '../../ml/features.ts';
import { HEADS, type HeadName } from '../classification/derive.ts';
import type { LoadedModel } from './registry.ts';

export type HeadPredictions = Partial<Record<HeadName, Prediction>>;

export const TOP_N = 3;

interface Scratch {
  heads: [HeadName, TrainedHead][];
  scores: Float64Array[];
  probs: Float64Array[];
}

// Per-model scratch buffers, so that classifying allocates only the result objects and the
// feature vector (once per text, shared by every head).
const scratchOf = new WeakMap<LoadedModel, Scratch>();

function scratch(model: LoadedModel): Scratch {
  let s = scratchOf.get(model);
  if (!s) {
    const heads = HEADS.filter((h) => model.heads[h]).map((h) => [h, model.heads[h]!] as [HeadName, TrainedHead]);
    s = {
      heads,
      scores: heads.map(([, head]) => new Float64Array(head.labels.length)),
      probs: heads.map(([, head]) => new Float64Array(head.labels.length)),
    };
    scratchOf.set(model, s);
  }
  return s;
}

/** Softmax of scores/T into `p`, then the `n` most probable labels (ties: label order). */
function topLabels(head: TrainedHead, scores: Float64Array, p: Float64Array, n: number): Prediction {
  const K = scores.length;
  const T = head.temperature;
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((scores[k]! - max) / T);
    p[k] = e;
    sum += e;
  }
  const top: { label: string; p: number }[] = [];
  // n is small (3): pick the best not yet taken, n times (ties: the earlier label wins)
  let taken0 = -1;
  let taken1 = -1;
  for (let t = 0; t < Math.min(n, K); t++) {
    let best = -1;
    for (let k = 0; k < K; k++) {
      if (k === taken0 || k === taken1 || (t > 2 && top.some((e) => e.label === head.labels[k]))) continue;
      if (best < 0 || p[k]! > p[best]!) best = k;
    }
    if (t === 0) taken0 = best;
    else if (t === 1) taken1 = best;
    top.push({ label: head.labels[best]!, p: p[best]! / sum });
  }
  return { label: top[0]!.label, confidence: top[0]!.p, top };
}

/** Every head's prediction for an already computed feature vector. */
export function classifyVector(model: LoadedModel, x: SparseVector, topN = TOP_N): HeadPredictions {
  const s = scratch(model);
  const out: HeadPredictions = {};
  for (let i = 0; i < s.heads.length; i++) {
    const [name, head] = s.heads[i]!;
    decisionScores(head, x, s.scores[i]);
    out[name] = topLabels(head, s.scores[i]!, s.probs[i]!, topN);
  }
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
