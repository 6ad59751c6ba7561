import { describe, expect, it } from 'vitest';
import {
  accuracy,
  confusionMatrix,
  evaluate,
  expectedCalibrationError,
  macroF1,
  perClassMetrics,
} from '../../../src/ml/metrics.ts';

// hand-computed example:
// true: a a a b b c ; pred: a a b b c c
// a: tp=2 fp=0 fn=1 → P=1 R=2/3 F1=0.8
// b: tp=1 fp=1 fn=1 → P=0.5 R=0.5 F1=0.5
// c: tp=1 fp=1 fn=0 → P=0.5 R=1 F1=2/3
const yTrue = ['a', 'a', 'a', 'b', 'b', 'c'];
const yPred = ['a', 'a', 'b', 'b', 'c', 'c'];

describe('metrics', () => {
  it('accuracy', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(4 / 6, 12);
    expect(accuracy([], [])).toBe(0);
    expect(() => accuracy(['a'], [])).toThrow();
  });

  it('confusion matrix (rows = true, cols = predicted)', () => {
    const { labels, matrix } = confusionMatrix(yTrue, yPred);
    expect(labels).toEqual(['a', 'b', 'c']);
    expect(matrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
  });

  it('per-class precision / recall / F1 / support', () => {
    const pc = perClassMetrics(yTrue, yPred);
    expect(pc.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(pc[0]!.precision).toBeCloseTo(1, 12);
    expect(pc[0]!.recall).toBeCloseTo(2 / 3, 12);
    expect(pc[0]!.f1).toBeCloseTo(0.8, 12);
    expect(pc[1]!.f1).toBeCloseTo(0.5, 12);
    expect(pc[2]!.precision).toBeCloseTo(0.5, 12);
    expect(pc[2]!.recall).toBeCloseTo(1, 12);
    expect(pc[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(pc.map((c) => c.support)).toEqual([3, 2, 1]);
  });

  it('macro-F1 is the unweighted mean; a never-predicted class has F1 0', () => {
    expect(macroF1(yTrue, yPred)).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(macroF1(['a', 'b'], ['a', 'a'])).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });

  it('ECE with 10 bins', () => {
    // bin (0.8,0.9]: conf 0.9,0.9 acc 1/2 → |0.5-0.9| * 2/4 = 0.2
    // bin (0.5,0.6]: conf 0.6,0.6 acc 1   → |1-0.6| * 2/4 = 0.2
    expect(expectedCalibrationError([0.9, 0.9, 0.6, 0.6], [true, false, true, true])).toBeCloseTo(0.4, 12);
    // perfectly calibrated
    expect(expectedCalibrationError([1, 1, 0.5, 0.5], [true, true, true, false])).toBeCloseTo(0, 12);
    expect(expectedCalibrationError([], [])).toBe(0);
  });

  it('evaluate bundles everything', () => {
    const m = evaluate(yTrue, yPred, { confidences: [1, 1, 1, 1, 1, 1] });
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(m.weightedF1).toBeCloseTo((0.8 * 3 + 0.5 * 2 + (2 / 3) * 1) / 6, 12);
    expect(m.ece).toBeCloseTo(1 - 4 / 6, 12);
    expect(m.confusion[0]).toEqual([2, 1, 0]);
  });
});
