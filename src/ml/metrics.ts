/**
 * Classification metrics. Pure functions over label arrays, returning plain data.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true instances of this label. */
  support: number;
}

export interface EvalMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  perClass: ClassMetrics[];
  /** Label order used by `confusion`. */
  labels: string[];
  /** confusion[i][j] = number of samples with true label labels[i] predicted as labels[j]. */
  confusion: number[][];
  /** Expected Calibration Error (10 equal-width bins), present when confidences were given. */
  ece?: number;
}

/** Sorted union of the labels in both arrays (or the explicit `labels`). */
function labelSet(yTrue: readonly string[], yPred: readonly string[], labels?: readonly string[]): string[] {
  if (labels) return [...labels];
  return [...new Set([...yTrue, ...yPred])].sort();
}

function checkLengths(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
}

export function accuracy(yTrue: readonly string[], yPred: readonly string[]): number {
  checkLengths(yTrue, yPred);
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

export function confusionMatrix(
  yTrue: readonly string[],
  yPred: readonly string[],
  labels?: readonly string[],
): { labels: string[]; matrix: number[][] } {
  checkLengths(yTrue, yPred);
  const ls = labelSet(yTrue, yPred, labels);
  const pos = new Map(ls.map((l, i) => [l, i] as const));
  const matrix = ls.map(() => ls.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = pos.get(yTrue[i]!);
    const b = pos.get(yPred[i]!);
    if (a === undefined || b === undefined) continue; // labels outside an explicit label list
    matrix[a]![b]!++;
  }
  return { labels: ls, matrix };
}

/**
 * Per-class precision / recall / F1 / support. A ratio with a zero denominator is 0
 * (scikit-learn's zero_division=0).
 */
export function perClassMetrics(
  yTrue: readonly string[],
  yPred: readonly string[],
  labels?: readonly string[],
): ClassMetrics[] {
  const { labels: ls, matrix } = confusionMatrix(yTrue, yPred, labels);
  return ls.map((label, i) => {
    const tp = matrix[i]![i]!;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < ls.length; j++) {
      predicted += matrix[j]![i]!;
      actual += matrix[i]![j]!;
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = actual > 0 ? tp / actual : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: actual };
  });
}

/** Unweighted mean of per-class F1 over all labels present in yTrue or yPred. */
export function macroF1(yTrue: readonly string[], yPred: readonly string[], labels?: readonly string[]): number {
  const pc = perClassMetrics(yTrue, yPred, labels);
  if (pc.length === 0) return 0;
  return pc.reduce((s, c) => s + c.f1, 0) / pc.length;
}

/**
 * Expected Calibration Error: samples are put in `bins` equal-width confidence bins
 * ((0, 0.1], (0.1, 0.2], ... ; confidence 0 goes to the first bin); ECE = Σ_b |B|/n · |acc(B) − conf(B)|.
 */
export function expectedCalibrationError(
  confidences: readonly number[],
  correct: readonly boolean[],
  bins = 10,
): number {
  checkLengths(confidences, correct);
  const n = confidences.length;
  if (n === 0) return 0;
  const cnt = new Array<number>(bins).fill(0);
  const sumConf = new Array<number>(bins).fill(0);
  const sumAcc = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const c = Math.min(1, Math.max(0, confidences[i]!));
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    cnt[b]!++;
    sumConf[b]! += c;
    if (correct[i]) sumAcc[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const k = cnt[b]!;
    if (k === 0) continue;
    ece += (k / n) * Math.abs(sumAcc[b]! / k - sumConf[b]! / k);
  }
  return ece;
}

/** All metrics at once. `confidences` (probability of the predicted label) adds ECE. */
export function evaluate(
  yTrue: readonly string[],
  yPred: readonly string[],
  opts: { labels?: readonly string[]; confidences?: readonly number[] } = {},
): EvalMetrics {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, opts.labels);
  const perClass = perClassMetrics(yTrue, yPred, labels);
  const n = yTrue.length;
  const macro = perClass.length ? perClass.reduce((s, c) => s + c.f1, 0) / perClass.length : 0;
  const weighted = n ? perClass.reduce((s, c) => s + c.f1 * c.support, 0) / n : 0;
  const out: EvalMetrics = {
    n,
    accuracy: accuracy(yTrue, yPred),
    macroF1: macro,
    weightedF1: weighted,
    perClass,
    labels,
    confusion: matrix,
  };
  if (opts.confidences) {
    out.ece = expectedCalibrationError(
      opts.confidences,
      yTrue.map((y, i) => y === yPred[i]),
    );
  }
  return out;
}
