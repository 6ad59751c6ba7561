/**
 * Issue 16 experiments: NB-SVM (Wang & Manning 2012) on top of the default features, by k-fold
 * cross-validation on the TRAIN split only (same folds as tune.ts); `--dev` instead trains on
 * all of train and scores the dev split once (to confirm a CV-chosen setting).
 *
 * usage: node bench/ml/nbsvm.ts '<json options>' [folds=5] [--dev]
 *   options: C, balancePower (class weights balanced^p), nb (false = plain OvR SVM),
 *            binarize (r from binarised features, default true), alpha (smoothing, default 1),
 *            beta (interpolation towards mean |w|, default 1 = none), renorm (L2-normalise x∘r_k),
 *            vectorizer (Partial<VectorizerConfig>)
 *
 * Per class k: r_k = log((p_k/|p_k|_1)/(q_k/|q_k|_1)), p_k = alpha + summed features of class k,
 * q_k = alpha + summed features of the other classes; the binary SVM of class k is trained on
 * x∘r_k (the solver below scales each non-zero per class: the K problems are still swept
 * together, as in classifier.ts), and the stored weight is w'_k∘r_k, so prediction is the same
 * dot product as today.
 */
import { loadSplit } from './data.ts';
import { fitTransform, getRow, transformPrepared } from '../../src/ml/features.ts';
import type { SparseMatrix, VectorizerConfig } from '../../src/ml/features.ts';
import { prepareText } from '../../src/ml/text.ts';
import { macroF1 } from '../../src/ml/metrics.ts';
import { createRng, shuffleInPlace } from '../../src/ml/random.ts';
import { softmax } from '../../src/ml/classifier.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Opts {
  C?: number;
  balancePower?: number;
  nb?: boolean;
  binarize?: boolean;
  alpha?: number;
  beta?: number;
  renorm?: boolean;
  vectorizer?: Partial<VectorizerConfig>;
  maxEpochs?: number;
  tol?: number;
  /** Write softmax(scores / dumpT) (dumpT default 0.27, the default head's fitted T) to $ENSEMBLE_DIR/NAME.cv<folds>.bin / NAME.dev.bin, for ensemble.ts combine. */
  dump?: string;
  dumpT?: number;
}

const args = process.argv.slice(2).filter((a) => a !== '--dev');
const devMode = process.argv.includes('--dev');
const opts: Opts = JSON.parse(args[0] ?? '{}');
const folds = Number(args[1] ?? 5);
const C = opts.C ?? 0.4;
const balancePower = opts.balancePower ?? 0.5;
const useNb = opts.nb ?? true;
const binarize = opts.binarize ?? true;
const alphaS = opts.alpha ?? 1;
const beta = opts.beta ?? 1;
const renorm = opts.renorm ?? false;
const maxEpochs = opts.maxEpochs ?? 40;
const tol = opts.tol ?? 0.1;

/** Compacted columns of the matrix (in place: indices become column ids). */
function compactCols(m: SparseMatrix): number {
  const map = new Int32Array(m.dim).fill(-1);
  let cols = 0;
  for (let p = 0; p < m.indices.length; p++) {
    const b = m.indices[p]!;
    if (map[b] === -1) map[b] = cols++;
    m.indices[p] = map[b]!;
  }
  colOfBucket = map;
  return cols;
}
let colOfBucket: Int32Array;

/** r (cols × K, feature-major) from the rows `rows` with class ids y. */
function nbRatios(m: SparseMatrix, cols: number, rows: Int32Array, y: Int32Array, K: number): Float64Array {
  const R = new Float64Array(cols * K);
  if (!useNb) return R.fill(1);
  const tot = new Float64Array(cols);
  const P = new Float64Array(cols * K);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    const k = y[t]!;
    for (let q = m.indptr[r]!; q < m.indptr[r + 1]!; q++) {
      const c = m.indices[q]!;
      const v = binarize ? 1 : m.values[q]!;
      P[c * K + k] = P[c * K + k]! + v;
      tot[c] = tot[c]! + v;
    }
  }
  const pSum = new Float64Array(K);
  const qSum = new Float64Array(K);
  for (let c = 0; c < cols; c++) {
    for (let k = 0; k < K; k++) {
      pSum[k] = pSum[k]! + alphaS + P[c * K + k]!;
      qSum[k] = qSum[k]! + alphaS + tot[c]! - P[c * K + k]!;
    }
  }
  for (let c = 0; c < cols; c++) {
    for (let k = 0; k < K; k++) {
      const p = (alphaS + P[c * K + k]!) / pSum[k]!;
      const q = (alphaS + tot[c]! - P[c * K + k]!) / qSum[k]!;
      R[c * K + k] = Math.log(p / q);
    }
  }
  return R;
}

/** OvR L2-loss SVM, dual CD with shrinking, each class on its own scaled features x∘r_k (·s_ik). */
function solve(m: SparseMatrix, cols: number, rows: Int32Array, y: Int32Array, K: number, R: Float64Array, seed: number): Float64Array {
  const n = rows.length;
  const bias = 1;
  const biasBase = cols * K;
  const W = new Float64Array((cols + 1) * K);
  const alpha = new Float64Array(n * K);
  const { indptr, indices: cidx, values } = m;
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[y[i]!] = counts[y[i]!]! + 1;
  const cw = Float64Array.from(counts, (c) => Math.pow(n / (K * c), balancePower));
  const Dii = new Float64Array(n);
  const QD = new Float64Array(n * K);
  const S = new Float64Array(n * K); // per (sample, class) row scale (renorm), else 1
  const sq = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    Dii[i] = 0.5 / (C * cw[y[i]!]!);
    const r = rows[i]!;
    sq.fill(0);
    for (let q = indptr[r]!; q < indptr[r + 1]!; q++) {
      const v = values[q]!;
      const base = cidx[q]! * K;
      for (let k = 0; k < K; k++) {
        const x = v * R[base + k]!;
        sq[k] = sq[k]! + x * x;
      }
    }
    for (let k = 0; k < K; k++) {
      const s = renorm && sq[k]! > 0 ? 1 / Math.sqrt(sq[k]!) : 1;
      S[i * K + k] = s;
      QD[i * K + k] = sq[k]! * s * s + bias * bias + Dii[i]!;
    }
  }
  const rng = createRng(seed);
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  let PGmaxOld = Infinity;
  const dot = new Float64Array(K);
  const delta = new Float64Array(K);
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
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
      const r = rows[i]!;
      const a0 = indptr[r]!;
      const a1 = indptr[r + 1]!;
      dot.fill(0);
      for (let q = a0; q < a1; q++) {
        const v = values[q]!;
        const base = cidx[q]! * K;
        for (let k = 0; k < K; k++) dot[k] = dot[k]! + v * R[base + k]! * W[base + k]!;
      }
      const yi = y[i]!;
      const dii = Dii[i]!;
      let allShrink = true;
      let anyChange = false;
      const ab = i * K;
      for (let k = 0; k < K; k++) {
        const yk = yi === k ? 1 : -1;
        const a = alpha[ab + k]!;
        const G = yk * (dot[k]! * S[ab + k]! + W[biasBase + k]! * bias) - 1 + a * dii;
        let PG = 0;
        if (a === 0) {
          if (G > PGmaxOld) {
            delta[k] = 0;
            continue;
          }
          if (G < 0) PG = G;
        } else PG = G;
        allShrink = false;
        if (PG > PGmax) PGmax = PG;
        if (PG < PGmin) PGmin = PG;
        if (Math.abs(PG) > 1e-12) {
          const na = Math.max(a - G / QD[ab + k]!, 0);
          alpha[ab + k] = na;
          delta[k] = (na - a) * yk;
          if (delta[k] !== 0) anyChange = true;
        } else delta[k] = 0;
      }
      if (anyChange) {
        for (let k = 0; k < K; k++) {
          W[biasBase + k] = W[biasBase + k]! + delta[k]! * bias;
          delta[k] = delta[k]! * S[ab + k]!;
        }
        for (let q = a0; q < a1; q++) {
          const v = values[q]!;
          const base = cidx[q]! * K;
          for (let k = 0; k < K; k++) W[base + k] = W[base + k]! + delta[k]! * v * R[base + k]!;
        }
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
    if (PGmax - PGmin <= tol) {
      if (active === n) break;
      active = n;
      PGmaxOld = Infinity;
      continue;
    }
    PGmaxOld = PGmax > 0 ? PGmax : Infinity;
  }
  // fold: w' = beta·w + (1-beta)·mean|w|, then ∘ r (the bias stays)
  const out = new Float64Array((cols + 1) * K);
  for (let k = 0; k < K; k++) {
    let l1 = 0;
    for (let c = 0; c < cols; c++) l1 += Math.abs(W[c * K + k]!);
    const mean = l1 / cols;
    for (let c = 0; c < cols; c++) out[c * K + k] = (beta * W[c * K + k]! + (1 - beta) * mean) * R[c * K + k]!;
    out[biasBase + k] = W[biasBase + k]!;
  }
  return out;
}

/** argmax over classes of bias + Σ v·W'[c] (renorm: the per-class scale of x∘r_k as well); the scores go to `dumpP` at `at` when set. */
function predictRow(W: Float64Array, R: Float64Array, cols: number, K: number, idx: ArrayLike<number>, val: ArrayLike<number>, at = -1): number {
  const s = new Float64Array(K);
  const sq = new Float64Array(K);
  for (let j = 0; j < idx.length; j++) {
    const c = idx[j]!;
    if (c < 0) continue;
    const v = val[j]!;
    for (let k = 0; k < K; k++) {
      s[k] = s[k]! + v * W[c * K + k]!;
      const x = v * R[c * K + k]!;
      sq[k] = sq[k]! + x * x;
    }
  }
  let b = 0;
  for (let k = 0; k < K; k++) {
    if (renorm && sq[k]! > 0) s[k] = s[k]! / Math.sqrt(sq[k]!);
    s[k] = s[k]! + W[cols * K + k]!;
    if (s[k]! > s[b]!) b = k;
  }
  if (dumpP && at >= 0) dumpP.set(softmax(s, opts.dumpT ?? 0.27), at * K);
  return b;
}

const { train, dev } = loadSplit();
const t0 = performance.now();
const { vectorizer, matrix } = fitTransform(train.map((s) => prepareText(s.text)), opts.vectorizer ?? {});
const cols = compactCols(matrix);
const labels = [...new Set(train.map((s) => s.label))].sort();
const K = labels.length;
const yAll = Int32Array.from(train, (s) => labels.indexOf(s.label));
const dumpP = opts.dump ? new Float64Array((devMode ? dev.length : train.length) * K) : null;
function writeDump(suffix: string): void {
  if (!dumpP) return;
  const dir = process.env['ENSEMBLE_DIR'] ?? '/tmp/helpdesk-ensemble';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${opts.dump}.${suffix}.bin`), new Uint8Array(dumpP.buffer));
}
if (devMode) {
  const rows = Int32Array.from({ length: train.length }, (_, i) => i);
  const R = nbRatios(matrix, cols, rows, yAll, K);
  const tf = performance.now();
  const W = solve(matrix, cols, rows, yAll, K, R, 43);
  const fitS = (performance.now() - tf) / 1000;
  const pred = dev.map((s, i) => {
    const x = transformPrepared(vectorizer, prepareText(s.text));
    const idx = Array.from(x.indices, (b) => colOfBucket[b]!);
    return labels[predictRow(W, R, cols, K, idx, x.values, i)]!;
  });
  writeDump('dev');
  console.log(`${JSON.stringify(opts)} dev macroF1=${macroF1(dev.map((s) => s.label), pred).toFixed(4)} fit ${fitS.toFixed(1)}s total ${((performance.now() - t0) / 1000).toFixed(0)}s`);
} else {
  const order = shuffleInPlace(Array.from({ length: train.length }, (_, i) => i), createRng(7));
  const scores: number[] = [];
  let fitS = 0;
  for (let f = 0; f < folds; f++) {
    const tr = Int32Array.from(order.filter((_, j) => j % folds !== f).sort((a, b) => a - b));
    const te = order.filter((_, j) => j % folds === f);
    const y = Int32Array.from(tr, (i) => yAll[i]!);
    const R = nbRatios(matrix, cols, tr, y, K);
    const tf = performance.now();
    const W = solve(matrix, cols, tr, y, K, R, 42);
    fitS += (performance.now() - tf) / 1000;
    const pred = te.map((i) => {
      const x = getRow(matrix, i);
      return labels[predictRow(W, R, cols, K, x.indices, x.values, i)]!;
    });
    scores.push(macroF1(te.map((i) => train[i]!.label), pred));
  }
  writeDump(`cv${folds}`);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  console.log(`${JSON.stringify(opts)} cv${folds} macroF1=${mean.toFixed(4)} sd=${sd.toFixed(4)} [${scores.map((s) => s.toFixed(4)).join(' ')}] fit ${(fitS / folds).toFixed(1)}s/fold total ${((performance.now() - t0) / 1000).toFixed(0)}s`);
}
