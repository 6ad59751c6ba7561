/**
 * Multi-class linear classifier over the hashed TF-IDF features of `features.ts`.
 *
 * Training: one-vs-rest L2-regularised squared-hinge linear SVM (the LinearSVC / liblinear
 * "L2R_L2LOSS_SVC_DUAL" objective), solved by dual coordinate descent with shrinking. All K
 * binary problems are solved together in one sweep over the samples (weights are stored
 * feature-major, W[feature·K + k], so each non-zero touches one cache line for all classes);
 * for a fixed sample order this is exactly K independent coordinate-descent runs.
 * Optional class weights ('balanced' = n / (K · n_c), like scikit-learn).
 * The sample order comes from a seeded PRNG, so training is deterministic for a seed.
 *
 * Probabilities: softmax(scores / T); the temperature T is fitted on a stratified held-out
 * slice (minimum NLL, golden-section search), then the model is (optionally) refitted on all
 * data, warm-started from the held-out run's dual variables, and keeps T.
 *
 * Weights are quantised to 8 bits at the end of training (see `model.ts`), so the in-memory
 * model and the deserialised artifact predict identically.
 */
import { fitTransform, getRow, selectRows, transformPrepared, DEFAULT_VECTORIZER_CONFIG } from './features.ts';
import type { SparseMatrix, SparseVector, Vectorizer, VectorizerConfig } from './features.ts';
import { evaluate } from './metrics.ts';
import type { EvalMetrics } from './metrics.ts';
import { createRng, shuffleInPlace } from './random.ts';
import { prepareText } from './text.ts';

export interface Sample {
  text: string;
  label: string;
}

export interface SvmParams {
  /** Inverse regularisation strength (default 0.4 — chosen by 5-fold CV on the train split, see docs-ml.md). */
  C: number;
  /** 'balanced' (n / (K·n_c)), 'none', or explicit weights per label. */
  classWeight: 'balanced' | 'none' | Record<string, number>;
  /** Exponent applied to balanced weights (1 = fully balanced, 0 = none; default 0.5). */
  balancePower: number;
  /** Maximum epochs over the data (default 40). */
  maxEpochs: number;
  /** Stopping tolerance on the projected-gradient spread (liblinear's eps, default 0.1). */
  tol: number;
  /** Value of the constant bias feature (default 1, like liblinear's intercept_scaling). */
  biasValue: number;
}

export const DEFAULT_SVM_PARAMS: Readonly<SvmParams> = Object.freeze({
  C: 0.4,
  classWeight: 'balanced',
  balancePower: 0.5,
  maxEpochs: 40,
  tol: 0.1,
  biasValue: 1,
});

export interface TrainOptions extends Partial<SvmParams> {
  seed?: number;
  /** Stratified share held out for calibration + metrics (default 0.2; 0 = no holdout). */
  holdout?: number;
  /** Refit on all data after the holdout run (default true). */
  refit?: boolean;
  /** Vectorizer settings (ignored by `trainHead`, which receives a fitted vectorizer). */
  vectorizer?: Partial<VectorizerConfig>;
  /** Quantise weights to 8 bits (default true; false keeps float32 weights, ~4x larger artifact). */
  quantize?: boolean;
  /** Called with progress messages. */
  log?: (msg: string) => void;
}

export interface TrainedHead {
  kind: 'ovr-linear-svm';
  vectorizer: Vectorizer;
  labels: string[];
  /** bucket → weight row (or -1). */
  rowOf: Int32Array;
  /** rows × K, row-major (dequantised 8-bit weights). */
  weights: Float32Array;
  bias: Float32Array;
  /** Per-class dequantisation scale (weights = scale · QUANT_TABLE[code]); all 0 = float32 weights. */
  scales: Float32Array;
  /** 8-bit weight codes (rows × K) when quantised, else null. */
  codes: Int8Array | null;
  /** Softmax temperature. */
  temperature: number;
  params: SvmParams & { seed: number; holdout: number; refit: boolean; quantize: boolean; epochs: number };
}

export interface Prediction {
  label: string;
  confidence: number;
  top: { label: string; p: number }[];
}

export interface TrainResult {
  model: TrainedHead;
  /** Metrics of the holdout run on the held-out slice (undefined when holdout = 0). */
  holdoutMetrics: EvalMetrics | undefined;
  /**
   * The held-out rows themselves: their index in the `rowLabels` given to trainHead, the true
   * and the predicted label, so that a caller can break the holdout metrics down (per language).
   */
  holdoutRows?: { row: number; truth: string; predicted: string }[];
  params: TrainedHead['params'];
  timings: { vectorizeMs: number; holdoutFitMs: number; refitMs: number; totalMs: number };
}

// ---------------------------------------------------------------------------------------------
// Core solver
// ---------------------------------------------------------------------------------------------

interface CompactData {
  rows: number;
  /** Column ids remapped to 0..cols-1. */
  cols: number;
  indptr: Int32Array;
  cidx: Int32Array;
  values: Float32Array;
  /** compact column → bucket */
  colBucket: Int32Array;
}

function compact(m: SparseMatrix): CompactData {
  if (m.colBucket) return { rows: m.rows, cols: m.colBucket.length, indptr: m.indptr, cidx: m.indices, values: m.values, colBucket: m.colBucket };
  const map = new Int32Array(m.dim).fill(-1);
  let cols = 0;
  for (let p = 0; p < m.indices.length; p++) {
    const b = m.indices[p]!;
    if (map[b] === -1) map[b] = cols++;
  }
  const cidx = new Int32Array(m.indices.length);
  for (let p = 0; p < m.indices.length; p++) cidx[p] = map[m.indices[p]!]!;
  const colBucket = new Int32Array(cols);
  for (let b = 0; b < m.dim; b++) if (map[b]! >= 0) colBucket[map[b]!] = b;
  return { rows: m.rows, cols, indptr: m.indptr, cidx, values: m.values, colBucket };
}

interface SolverState {
  /** (cols + 1) × K, feature-major; last row = bias. */
  W: Float64Array;
  /** rows × K dual variables. */
  alpha: Float64Array;
  epochs: number;
}

/**
 * Solves on the rows `rows` of `d` (all when null); y, sampleC and alpha are indexed by position
 * in `rows`. Solving on a subset in place of a copy of it (the holdout fit used one: 6.4 bytes a
 * non-zero of the matrix) computes the very same sums in the very same order.
 */
function solveOvrSvm(
  d: CompactData,
  rows: Int32Array | null,
  y: Int32Array,
  K: number,
  sampleC: Float64Array,
  p: SvmParams,
  seed: number,
  warmAlpha?: Float64Array,
): SolverState {
  const n = rows ? rows.length : d.rows;
  const rowAt = rows ?? Int32Array.from({ length: n }, (_, i) => i);
  const bias = p.biasValue;
  const biasBase = d.cols * K;
  const W = new Float64Array((d.cols + 1) * K);
  const alpha = warmAlpha ? Float64Array.from(warmAlpha) : new Float64Array(n * K);
  const { indptr, cidx, values } = d;
  const Dii = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    Dii[i] = 0.5 / sampleC[i]!;
    let sq = bias * bias;
    const r = rowAt[i]!;
    for (let q = indptr[r]!; q < indptr[r + 1]!; q++) sq += values[q]! * values[q]!;
    QD[i] = sq + Dii[i]!;
  }
  if (warmAlpha) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        const a = alpha[i * K + k]!;
        if (a === 0) continue;
        const ay = y[i] === k ? a : -a;
        const r = rowAt[i]!;
        for (let q = indptr[r]!; q < indptr[r + 1]!; q++) {
          const j = cidx[q]! * K + k;
          W[j] = W[j]! + ay * values[q]!;
        }
        W[biasBase + k] = W[biasBase + k]! + ay * bias;
      }
    }
  }
  const rng = createRng(seed);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let active = n;
  let PGmaxOld = Infinity;
  let PGminOld = -Infinity;
  const dot = new Float64Array(K);
  const delta = new Float64Array(K);
  let epoch = 0;
  for (; epoch < p.maxEpochs; epoch++) {
    // shuffle the active prefix
    for (let s = active - 1; s > 0; s--) {
      const j = rng.int(s + 1);
      const t = index[s]!;
      index[s] = index[j]!;
      index[j] = t;
    }
    let PGmax = -Infinity;
    let PGmin = Infinity;
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const r = rowAt[i]!;
      const a0 = indptr[r]!;
      const a1 = indptr[r + 1]!;
      for (let k = 0; k < K; k++) dot[k] = W[biasBase + k]! * bias;
      for (let q = a0; q < a1; q++) {
        const v = values[q]!;
        const base = cidx[q]! * K;
        for (let k = 0; k < K; k++) dot[k] = dot[k]! + v * W[base + k]!;
      }
      const yi = y[i]!;
      const dii = Dii[i]!;
      const qd = QD[i]!;
      let allShrink = true;
      let anyChange = false;
      const ab = i * K;
      for (let k = 0; k < K; k++) {
        const yk = yi === k ? 1 : -1;
        const a = alpha[ab + k]!;
        const G = yk * dot[k]! - 1 + a * dii;
        let PG = 0;
        if (a === 0) {
          if (G > PGmaxOld) {
            delta[k] = 0;
            continue; // would be shrunk for this class
          }
          if (G < 0) PG = G;
        } else {
          PG = G;
        }
        allShrink = false;
        if (PG > PGmax) PGmax = PG;
        if (PG < PGmin) PGmin = PG;
        if (Math.abs(PG) > 1e-12) {
          const na = Math.max(a - G / qd, 0);
          alpha[ab + k] = na;
          const dk = (na - a) * yk;
          delta[k] = dk;
          if (dk !== 0) anyChange = true;
        } else {
          delta[k] = 0;
        }
      }
      if (anyChange) {
        for (let q = a0; q < a1; q++) {
          const v = values[q]!;
          const base = cidx[q]! * K;
          for (let k = 0; k < K; k++) W[base + k] = W[base + k]! + delta[k]! * v;
        }
        for (let k = 0; k < K; k++) W[biasBase + k] = W[biasBase + k]! + delta[k]! * bias;
      }
      if (allShrink) {
        active--;
        index[s] = index[active]!;
        index[active] = i;
        s--;
      }
    }
    if (PGmax === -Infinity) PGmax = 0;
    if (PGmin === Infinity) PGmin = 0;
    if (PGmax - PGmin <= p.tol) {
      if (active === n) {
        epoch++;
        break;
      }
      active = n;
      PGmaxOld = Infinity;
      PGminOld = -Infinity;
      continue;
    }
    PGmaxOld = PGmax > 0 ? PGmax : Infinity;
    PGminOld = PGmin < 0 ? PGmin : -Infinity;
  }
  void PGminOld;
  return { W, alpha, epochs: epoch };
}

// ---------------------------------------------------------------------------------------------
// Quantisation (8-bit, square-root companding: small weights keep more precision)
// ---------------------------------------------------------------------------------------------

/** Decode table for an 8-bit code: sign · (|code| / 127)². */
export const QUANT_TABLE: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let c = -127; c <= 127; c++) t[c & 255] = Math.sign(c) * (c / 127) * (c / 127);
  t[128] = 0; // -128 unused
  return t;
})();

export function quantizeWeight(w: number, scale: number): number {
  if (scale <= 0 || w === 0) return 0;
  const r = Math.min(1, Math.abs(w) / scale);
  const c = Math.round(Math.sqrt(r) * 127);
  return w < 0 ? -c : c;
}

// ---------------------------------------------------------------------------------------------
// Heads
// ---------------------------------------------------------------------------------------------

function resolveParams(opts: TrainOptions): SvmParams {
  return {
    C: opts.C ?? DEFAULT_SVM_PARAMS.C,
    classWeight: opts.classWeight ?? DEFAULT_SVM_PARAMS.classWeight,
    balancePower: opts.balancePower ?? DEFAULT_SVM_PARAMS.balancePower,
    maxEpochs: opts.maxEpochs ?? DEFAULT_SVM_PARAMS.maxEpochs,
    tol: opts.tol ?? DEFAULT_SVM_PARAMS.tol,
    biasValue: opts.biasValue ?? DEFAULT_SVM_PARAMS.biasValue,
  };
}

function perSampleC(y: Int32Array, labels: readonly string[], p: SvmParams): Float64Array {
  const K = labels.length;
  const counts = new Float64Array(K);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  const cw = new Float64Array(K).fill(1);
  if (p.classWeight === 'balanced') {
    for (let k = 0; k < K; k++) {
      cw[k] = counts[k]! > 0 ? Math.pow(y.length / (K * counts[k]!), p.balancePower) : 1;
    }
  } else if (typeof p.classWeight === 'object') {
    for (let k = 0; k < K; k++) cw[k] = p.classWeight[labels[k]!] ?? 1;
  }
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = p.C * cw[y[i]!]!;
  return out;
}

/** Stratified split of indices into [train, holdout], deterministic for the seed. */
export function stratifiedSplit(y: ArrayLike<number>, share: number, seed: number): [Int32Array, Int32Array] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const k = y[i]!;
    let a = byClass.get(k);
    if (!a) byClass.set(k, (a = []));
    a.push(i);
  }
  const rng = createRng(seed ^ 0x5eed);
  const train: number[] = [];
  const hold: number[] = [];
  for (const k of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(byClass.get(k)!, rng);
    let h = Math.round(idx.length * share);
    if (idx.length >= 2 && share > 0) h = Math.max(1, Math.min(idx.length - 1, h));
    else h = 0;
    for (let j = 0; j < idx.length; j++) (j < h ? hold : train).push(idx[j]!);
  }
  train.sort((a, b) => a - b);
  hold.sort((a, b) => a - b);
  return [Int32Array.from(train), Int32Array.from(hold)];
}

function buildHead(
  vectorizer: Vectorizer,
  labels: string[],
  d: CompactData,
  st: SolverState,
  temperature: number,
  params: TrainedHead['params'],
): TrainedHead {
  const K = labels.length;
  const W = st.W;
  // per-class scale = max |w| over features (bias kept in float32)
  const scales = new Float32Array(K);
  const quant = params.quantize;
  if (quant) for (let c = 0; c < d.cols; c++) {
    for (let k = 0; k < K; k++) {
      const a = Math.abs(W[c * K + k]!);
      if (a > scales[k]!) scales[k] = a;
    }
  }
  const rowOf = new Int32Array(1 << vectorizer.config.bits).fill(-1);
  // rows ordered by bucket for a canonical layout
  const order = Int32Array.from({ length: d.cols }, (_, c) => c).sort((a, b) => d.colBucket[a]! - d.colBucket[b]!);
  // Codes (or float32 weights) of every column in typed arrays: one JS array of K per column
  // and a growing array of all codes were 40 MB of garbage per head on 38,000 texts.
  const q = new Float32Array(d.cols * K);
  let nRows = 0;
  for (const c of order) {
    let nz = false;
    for (let k = 0; k < K; k++) {
      const w = W[c * K + k]!;
      const v = quant ? quantizeWeight(w, scales[k]!) : Math.fround(w);
      q[c * K + k] = v;
      if (v !== 0) nz = true;
    }
    if (nz) rowOf[d.colBucket[c]!] = nRows++;
  }
  const weights = new Float32Array(nRows * K);
  const codeArr = quant ? new Int8Array(nRows * K) : null;
  for (const c of order) {
    const r = rowOf[d.colBucket[c]!]!;
    if (r < 0) continue;
    for (let k = 0; k < K; k++) {
      const v = q[c * K + k]!;
      if (codeArr) codeArr[r * K + k] = v;
      weights[r * K + k] = quant ? scales[k]! * QUANT_TABLE[v & 255]! : v;
    }
  }
  const bias = new Float32Array(K);
  for (let k = 0; k < K; k++) bias[k] = W[d.cols * K + k]! * params.biasValue;
  return { kind: 'ovr-linear-svm', vectorizer, labels, rowOf, weights, bias, scales, codes: codeArr, temperature, params };
}

/** Raw decision scores of a head for one vector (length K). */
export function decisionScores(model: TrainedHead, x: SparseVector, out?: Float64Array): Float64Array {
  return scoreVector(model, x, undefined, out);
}

/** `decisionScores` of row r of a training matrix, whose indices are buckets or (compacted) column ids. */
export function rowScores(model: TrainedHead, m: SparseMatrix, r: number, out?: Float64Array): Float64Array {
  return scoreVector(model, getRow(m, r), m.colBucket, out);
}

/** The scores of a vector whose indices are buckets, or column ids mapped to buckets by `colBucket`. */
function scoreVector(model: TrainedHead, x: SparseVector, colBucket: Int32Array | undefined, out?: Float64Array): Float64Array {
  const K = model.labels.length;
  const s = out ?? new Float64Array(K);
  for (let k = 0; k < K; k++) s[k] = model.bias[k]!;
  const { rowOf, weights } = model;
  const idx = x.indices;
  const val = x.values;
  for (let j = 0; j < idx.length; j++) {
    const r = rowOf[colBucket ? colBucket[idx[j]!]! : idx[j]!]!;
    if (r < 0) continue;
    const v = val[j]!;
    const base = r * K;
    for (let k = 0; k < K; k++) s[k] = s[k]! + v * weights[base + k]!;
  }
  return s;
}

/** In-place softmax of scores/T; returns the probabilities. */
export function softmax(scores: ArrayLike<number>, temperature: number, out?: Float64Array): Float64Array {
  const K = scores.length;
  const p = out ?? new Float64Array(K);
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((scores[k]! - max) / temperature);
    p[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) p[k] = p[k]! / sum;
  return p;
}

/** Mean negative log-likelihood of softmax(scores/T). */
function nll(scores: Float64Array, y: ArrayLike<number>, K: number, T: number): number {
  let total = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, scores[i * K + k]!);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp((scores[i * K + k]! - max) / T);
    total += Math.log(sum) - (scores[i * K + y[i]!]! - max) / T;
  }
  return total / Math.max(1, n);
}

/** Fit the softmax temperature minimising NLL (golden-section search on ln T in [ln 0.01, ln 10]). */
export function fitTemperature(scores: Float64Array, y: ArrayLike<number>, K: number): number {
  if (y.length === 0) return 1;
  let a = Math.log(0.01);
  let b = Math.log(10);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(scores, y, K, Math.exp(c));
  let fd = nll(scores, y, K, Math.exp(d));
  for (let it = 0; it < 60; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = nll(scores, y, K, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = nll(scores, y, K, Math.exp(d));
    }
  }
  return Math.round(Math.exp((a + b) / 2) * 1e6) / 1e6;
}

/**
 * Train one head on an already vectorised matrix (rows aligned with `labels`; rows whose label
 * is null/undefined/'' are skipped, so several heads can share one matrix).
 */
export function trainHead(
  vectorizer: Vectorizer,
  matrix: SparseMatrix,
  rowLabels: readonly (string | null | undefined)[],
  opts: TrainOptions = {},
): TrainResult {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 42;
  const holdout = opts.holdout ?? 0.2;
  const refit = opts.refit ?? true;
  const quantize = opts.quantize ?? true;
  const p = resolveParams(opts);
  const keep: number[] = [];
  for (let i = 0; i < rowLabels.length; i++) if (rowLabels[i]) keep.push(i);
  // Rows without a label take no part: solved around (a compacted matrix), not copied out.
  const inPlace = matrix.colBucket !== undefined;
  const m = inPlace || keep.length === matrix.rows ? matrix : selectRows(matrix, keep);
  /** Matrix row of the i-th labelled row. */
  const rowOfKept = inPlace && keep.length !== matrix.rows ? Int32Array.from(keep) : null;
  const matrixRow = (i: number): number => (rowOfKept ? rowOfKept[i]! : i);
  const labelStrs = keep.map((i) => rowLabels[i]!);
  const labels = [...new Set(labelStrs)].sort();
  if (labels.length < 2) throw new Error(`need at least 2 distinct labels, got ${labels.length}`);
  const K = labels.length;
  const pos = new Map(labels.map((l, i) => [l, i] as const));
  const y = Int32Array.from(labelStrs, (l) => pos.get(l)!);
  const d = compact(m);

  let holdoutMetrics: EvalMetrics | undefined;
  let holdoutRows: TrainResult['holdoutRows'];
  let temperature = 1;
  let holdoutFitMs = 0;
  let warm: Float64Array | undefined;
  let finalState: SolverState | undefined;
  const [trIdx, hoIdx] = holdout > 0 ? stratifiedSplit(y, holdout, seed) : [new Int32Array(0), new Int32Array(0)];
  if (hoIdx.length > 0) {
    const th = performance.now();
    const ySub = Int32Array.from(trIdx, (i) => y[i]!);
    const st = solveOvrSvm(d, Int32Array.from(trIdx, matrixRow), ySub, K, perSampleC(ySub, labels, p), p, seed);
    // holdout scores through the *quantised* head so metrics/calibration describe what is shipped
    const headA = buildHead(vectorizer, labels, d, st, 1, { ...p, seed, holdout, refit, quantize, epochs: st.epochs });
    const hoScores = new Float64Array(hoIdx.length * K);
    const tmp = new Float64Array(K);
    for (let t = 0; t < hoIdx.length; t++) {
      rowScores(headA, m, matrixRow(hoIdx[t]!), tmp);
      hoScores.set(tmp, t * K);
    }
    const yHo = Int32Array.from(hoIdx, (i) => y[i]!);
    temperature = fitTemperature(hoScores, yHo, K);
    const trueL: string[] = [];
    const predL: string[] = [];
    const conf: number[] = [];
    const prob = new Float64Array(K);
    for (let t = 0; t < hoIdx.length; t++) {
      softmax(hoScores.subarray(t * K, t * K + K), temperature, prob);
      let best = 0;
      for (let k = 1; k < K; k++) if (prob[k]! > prob[best]!) best = k;
      trueL.push(labels[yHo[t]!]!);
      predL.push(labels[best]!);
      conf.push(prob[best]!);
    }
    holdoutMetrics = evaluate(trueL, predL, { labels, confidences: conf });
    holdoutRows = Array.from(hoIdx, (i, t) => ({ row: keep[i]!, truth: trueL[t]!, predicted: predL[t]! }));
    holdoutFitMs = performance.now() - th;
    log(`holdout fit: ${st.epochs} epochs, ${(holdoutFitMs / 1000).toFixed(1)} s, T=${temperature.toFixed(3)}, macroF1=${holdoutMetrics.macroF1.toFixed(4)}`);
    if (refit) {
      warm = new Float64Array(keep.length * K);
      for (let t = 0; t < trIdx.length; t++) warm.set(st.alpha.subarray(t * K, t * K + K), trIdx[t]! * K);
    } else {
      // the subset was solved in the column space of d, so W is directly usable
      finalState = st;
    }
  }
  const tr = performance.now();
  if (!finalState) finalState = solveOvrSvm(d, rowOfKept, y, K, perSampleC(y, labels, p), p, seed + 1, warm);
  const refitMs = performance.now() - tr;
  const params = { ...p, seed, holdout, refit, quantize, epochs: finalState.epochs };
  const model = buildHead(vectorizer, labels, d, finalState, temperature, params);
  log(`final fit: ${finalState.epochs} epochs, ${(refitMs / 1000).toFixed(1)} s`);
  return {
    model,
    holdoutMetrics,
    ...(holdoutRows ? { holdoutRows } : {}),
    params,
    timings: { vectorizeMs: 0, holdoutFitMs, refitMs, totalMs: performance.now() - t0 },
  };
}

/** Vectorise + train one head from raw samples. */
export function trainClassifier(samples: readonly Sample[], opts: TrainOptions = {}): TrainResult {
  const t0 = performance.now();
  const prepared = samples.map((s) => prepareText(s.text));
  const { vectorizer, matrix } = fitTransform(prepared, { ...DEFAULT_VECTORIZER_CONFIG, ...opts.vectorizer });
  const vectorizeMs = performance.now() - t0;
  opts.log?.(`vectorised ${samples.length} texts in ${(vectorizeMs / 1000).toFixed(1)} s, nnz=${matrix.indices.length}`);
  const res = trainHead(vectorizer, matrix, samples.map((s) => s.label), opts);
  res.timings.vectorizeMs = vectorizeMs;
  res.timings.totalMs = performance.now() - t0;
  return res;
}

/**
 * Train several heads that share one vectorizer: `labels[head][i]` is the label of text i for
 * that head (null/undefined/'' = unknown, row skipped for that head).
 */
export function trainHeads(
  texts: readonly string[],
  labels: Record<string, readonly (string | null | undefined)[]>,
  opts: TrainOptions = {},
): { vectorizer: Vectorizer; heads: Record<string, TrainResult> } {
  const prepared = texts.map((t) => prepareText(t));
  const { vectorizer, matrix } = fitTransform(prepared, { ...DEFAULT_VECTORIZER_CONFIG, ...opts.vectorizer });
  const heads: Record<string, TrainResult> = {};
  for (const [name, ls] of Object.entries(labels)) {
    if (ls.length !== texts.length) throw new Error(`head ${name}: ${ls.length} labels for ${texts.length} texts`);
    heads[name] = trainHead(vectorizer, matrix, ls, opts);
  }
  return { vectorizer, heads };
}

// ---------------------------------------------------------------------------------------------
// Prediction
// ---------------------------------------------------------------------------------------------

function toPrediction(model: TrainedHead, scores: Float64Array, topN: number): Prediction {
  const K = model.labels.length;
  const p = softmax(scores, model.temperature);
  const n = Math.min(Math.max(1, topN), K);
  const top: { label: string; p: number }[] = [];
  const taken = new Uint8Array(K);
  for (let t = 0; t < n; t++) {
    let best = -1;
    for (let k = 0; k < K; k++) if (!taken[k] && (best < 0 || p[k]! > p[best]!)) best = k;
    taken[best] = 1;
    top.push({ label: model.labels[best]!, p: p[best]! });
  }
  return { label: top[0]!.label, confidence: top[0]!.p, top };
}

/** Predict from an already computed feature vector (share one vector between heads). */
export function predictVector(model: TrainedHead, x: SparseVector, topN = 3): Prediction {
  return toPrediction(model, decisionScores(model, x), topN);
}

/** Vectorise a raw text with the head's vectorizer. */
export function vectorize(vectorizer: Vectorizer, raw: string): SparseVector {
  return transformPrepared(vectorizer, prepareText(raw));
}

export function predict(model: TrainedHead, text: string, topN = 3): Prediction {
  return predictVector(model, vectorize(model.vectorizer, text), topN);
}

export function predictMany(model: TrainedHead, texts: readonly string[], topN = 3): Prediction[] {
  const K = model.labels.length;
  const scores = new Float64Array(K);
  return texts.map((t) => {
    decisionScores(model, vectorize(model.vectorizer, t), scores);
    return toPrediction(model, scores, topN);
  });
}

/** Evaluate a head on labelled samples (macro-F1, accuracy, ECE, confusion...). */
export function evaluateModel(model: TrainedHead, samples: readonly Sample[]): EvalMetrics {
  const preds = predictMany(model, samples.map((s) => s.text), 1);
  return evaluate(
    samples.map((s) => s.label),
    preds.map((p) => p.label),
    { labels: [...new Set([...model.labels, ...samples.map((s) => s.label)])].sort(), confidences: preds.map((p) => p.confidence) },
  );
}

