/**
 * Hyper-parameters chosen on a helpdesk's own data: k-fold cross-validation of one head over a
 * fixed grid of SVM settings, within a time budget. Deterministic for a seed (the folds and the
 * subsample come from it, the grid is tried in a fixed order); only the budget can cut the grid
 * short, and then what was not tried is said.
 */
import { DEFAULT_SVM_PARAMS, rowScores, stratifiedSplit, trainHead } from './classifier.ts';
import type { SparseMatrix, Vectorizer } from './features.ts';
import { macroF1 } from './metrics.ts';

export interface TuneCandidate {
  /** Inverse regularisation strength. */
  C: number;
  /** How far class weights are balanced (0: none, 1: fully, n / (K n_c)). */
  balancePower: number;
}

export interface TuneTrial extends TuneCandidate {
  /** Mean macro-F1 over the folds (null: not tried, the budget ran out first). */
  macroF1: number | null;
  seconds: number;
}

export interface TuneResult {
  chosen: TuneCandidate;
  trials: TuneTrial[];
  folds: number;
  /** Samples the folds were drawn from (a stratified subsample of at most TUNE_MAX_SAMPLES). */
  samples: number;
  budgetSeconds: number;
  seconds: number;
  /** True when the budget stopped the grid before its end. */
  cut: boolean;
}

/** Today's defaults first, so that they are always measured; then the rest of the grid. */
export const TUNE_GRID: readonly TuneCandidate[] = [
  { C: DEFAULT_SVM_PARAMS.C, balancePower: DEFAULT_SVM_PARAMS.balancePower },
  ...[0.2, 0.4, 0.8, 1.6].flatMap((C) => [0, 0.5, 1].map((balancePower) => ({ C, balancePower }))).filter(
    (c) => !(c.C === DEFAULT_SVM_PARAMS.C && c.balancePower === DEFAULT_SVM_PARAMS.balancePower),
  ),
];
export const TUNE_FOLDS = 3;
/** Folds are drawn from at most this many samples: 3 x 13 fits on 40,000 would not fit 2 minutes. */
export const TUNE_MAX_SAMPLES = 8000;
/** Another setting must beat the defaults by this much mean macro-F1 to be chosen (fold noise). */
export const TUNE_MARGIN = 0.003;

/**
 * Cross-validates `labels` (rows of `matrix`; null rows take no part) over TUNE_GRID and returns
 * the best setting. `now` is injectable so that tests can cut the budget deterministically.
 */
export function tuneHead(
  vectorizer: Vectorizer,
  matrix: SparseMatrix,
  labels: readonly (string | null)[],
  options: { seed: number; budgetSeconds: number; now?: () => number; onTrial?: (trial: TuneTrial, index: number, of: number) => void },
): TuneResult {
  const now = options.now ?? (() => performance.now() / 1000);
  const started = now();
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]) rows.push(i);
  const names = [...new Set(rows.map((i) => labels[i]!))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  let pool = Int32Array.from(rows);
  if (pool.length > TUNE_MAX_SAMPLES) {
    const [, sample] = stratifiedSplit(Int32Array.from(pool, (i) => index.get(labels[i]!)!), TUNE_MAX_SAMPLES / pool.length, options.seed ^ 0x7a11);
    pool = Int32Array.from(sample, (j) => pool[j]!);
  }
  // k stratified folds: fold f takes the f-th of k equal shares of each class.
  const y = Int32Array.from(pool, (i) => index.get(labels[i]!)!);
  const fold = new Int32Array(pool.length);
  let rest = Int32Array.from(pool.keys());
  for (let f = 0; f < TUNE_FOLDS - 1; f++) {
    const [keep, take] = stratifiedSplit(Int32Array.from(rest, (j) => y[j]!), 1 / (TUNE_FOLDS - f), options.seed + f);
    for (const t of take) fold[rest[t]!] = f;
    rest = Int32Array.from(keep, (t) => rest[t]!);
  }
  for (const j of rest) fold[j] = TUNE_FOLDS - 1;

  const trials: TuneTrial[] = TUNE_GRID.map((c) => ({ ...c, macroF1: null, seconds: 0 }));
  let cut = false;
  for (const [n, trial] of trials.entries()) {
    if (n > 0 && now() - started >= options.budgetSeconds) {
      cut = true;
      break;
    }
    const t0 = now();
    let sum = 0;
    for (let f = 0; f < TUNE_FOLDS; f++) {
      const trainLabels: (string | null)[] = new Array(labels.length).fill(null);
      const test: number[] = [];
      pool.forEach((row, j) => (fold[j] === f ? test.push(row) : (trainLabels[row] = labels[row]!)));
      const head = trainHead(vectorizer, matrix, trainLabels, { seed: options.seed, holdout: 0, refit: true, C: trial.C, balancePower: trial.balancePower }).model;
      const truth: string[] = [];
      const predicted: string[] = [];
      const scores = new Float64Array(head.labels.length);
      for (const row of test) {
        rowScores(head, matrix, row, scores);
        let best = 0;
        for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[best]!) best = k;
        truth.push(labels[row]!);
        predicted.push(head.labels[best]!);
      }
      sum += macroF1(truth, predicted);
    }
    trial.macroF1 = sum / TUNE_FOLDS;
    trial.seconds = now() - t0;
    options.onTrial?.(trial, n, trials.length);
  }
  const baseline = trials[0]!;
  let chosen: TuneTrial = baseline;
  for (const t of trials) if (t.macroF1 !== null && t.macroF1 > chosen.macroF1! + (chosen === baseline ? TUNE_MARGIN : 0)) chosen = t;
  return { chosen: { C: chosen.C, balancePower: chosen.balancePower }, trials, folds: TUNE_FOLDS, samples: pool.length, budgetSeconds: options.budgetSeconds, seconds: now() - started, cut };
}
