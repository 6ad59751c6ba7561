/**
 * Hyper-parameter check by k-fold cross-validation on the TRAIN split only (dev is never used).
 * usage: node bench/ml/tune.ts '<json TrainOptions>' [folds=5]
 */
import { loadSplit } from './data.ts';
import { trainHead, decisionScores } from '../../src/ml/classifier.ts';
import { fitTransform, getRow, selectRows } from '../../src/ml/features.ts';
import { prepareText } from '../../src/ml/text.ts';
import { macroF1 } from '../../src/ml/metrics.ts';
import { createRng, shuffleInPlace } from '../../src/ml/random.ts';

const opts = JSON.parse(process.argv[2] ?? '{}');
const folds = Number(process.argv[3] ?? 5);
const { train } = loadSplit();
const t0 = performance.now();
const { vectorizer, matrix } = fitTransform(train.map((s) => prepareText(s.text)), opts.vectorizer ?? {});
const order = shuffleInPlace(Array.from({ length: train.length }, (_, i) => i), createRng(7));
const scores: number[] = [];
for (let f = 0; f < folds; f++) {
  const tr = order.filter((_, j) => j % folds !== f).sort((a, b) => a - b);
  const te = order.filter((_, j) => j % folds === f);
  const res = trainHead(vectorizer, selectRows(matrix, tr), tr.map((i) => train[i]!.label), { ...opts, holdout: 0 });
  const m = res.model;
  const pred = te.map((i) => {
    const s = decisionScores(m, getRow(matrix, i));
    let b = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[b]!) b = k;
    return m.labels[b]!;
  });
  scores.push(macroF1(te.map((i) => train[i]!.label), pred));
}
const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
console.log(`${JSON.stringify(opts)} cv${folds} macroF1=${mean.toFixed(4)} sd=${sd.toFixed(4)} [${scores.map((s) => s.toFixed(4)).join(' ')}] ${((performance.now() - t0) / 1000).toFixed(0)}s`);
