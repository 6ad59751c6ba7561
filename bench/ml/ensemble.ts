/**
 * Issue 16 experiments: ensembles of differently-featured linear heads, by k-fold CV on the
 * TRAIN split only (same folds as tune.ts).
 *
 *   node bench/ml/ensemble.ts member NAME '<json TrainOptions>' [folds=5] [--dev]
 *     trains the head as shipped (trainHead: 20 % inner holdout → temperature, refit, 8-bit
 *     weights) on each fold's training rows, and writes its calibrated out-of-fold
 *     probabilities softmax(scores/T) to DIR/NAME.cv5.bin (--dev: trained on all of train,
 *     dev probabilities to DIR/NAME.dev.bin); prints the member's own macro-F1.
 *   node bench/ml/ensemble.ts combine NAME[*weight],NAME[*weight],... [folds=5] [--dev]
 *     macro-F1 (per fold, mean, sd) of the weighted mean of the members' probabilities
 *     (--geo: of their log-probabilities, i.e. of scores/T: the same as one linear head).
 * DIR = $ENSEMBLE_DIR or /tmp/helpdesk-ensemble.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSplit } from './data.ts';
import { trainHead, rowScores, decisionScores, softmax } from '../../src/ml/classifier.ts';
import { fitTransform, selectRows, transformPrepared } from '../../src/ml/features.ts';
import { prepareText } from '../../src/ml/text.ts';
import { macroF1 } from '../../src/ml/metrics.ts';
import { createRng, shuffleInPlace } from '../../src/ml/random.ts';

const dir = process.env['ENSEMBLE_DIR'] ?? '/tmp/helpdesk-ensemble';
mkdirSync(dir, { recursive: true });
const devMode = process.argv.includes('--dev');
/** combine --geo: weighted sum of log-probabilities (= of the members' scores / T: one linear model) */
const geo = process.argv.includes('--geo');
const args = process.argv.slice(2).filter((a) => a !== '--dev' && a !== '--geo');
const mode = args[0];
const { train, dev } = loadSplit();
const labels = [...new Set(train.map((s) => s.label))].sort();
const K = labels.length;
const t0 = performance.now();

function foldsOf(n: number, folds: number): Int32Array {
  const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), createRng(7));
  const fold = new Int32Array(n);
  order.forEach((i, j) => (fold[i] = j % folds));
  return fold;
}

function argmaxLabels(P: Float64Array, rows: number[]): string[] {
  return rows.map((i) => {
    let b = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + b]!) b = k;
    return labels[b]!;
  });
}

function report(name: string, P: Float64Array, folds: number): void {
  if (devMode) {
    const rows = dev.map((_, i) => i);
    console.log(`${name} dev macroF1=${macroF1(dev.map((s) => s.label), argmaxLabels(P, rows)).toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(0)}s`);
    return;
  }
  const fold = foldsOf(train.length, folds);
  const scores: number[] = [];
  for (let f = 0; f < folds; f++) {
    const rows = train.map((_, i) => i).filter((i) => fold[i] === f);
    scores.push(macroF1(rows.map((i) => train[i]!.label), argmaxLabels(P, rows)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / folds;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / folds);
  console.log(`${name} cv${folds} macroF1=${mean.toFixed(4)} sd=${sd.toFixed(4)} [${scores.map((s) => s.toFixed(4)).join(' ')}] ${((performance.now() - t0) / 1000).toFixed(0)}s`);
}

if (mode === 'member') {
  const name = args[1]!;
  const opts = JSON.parse(args[2] ?? '{}');
  const folds = Number(args[3] ?? 5);
  const { vectorizer, matrix } = fitTransform(train.map((s) => prepareText(s.text)), opts.vectorizer ?? {});
  const tmp = new Float64Array(K);
  const prob = new Float64Array(K);
  let fitMs = 0;
  let P: Float64Array;
  if (devMode) {
    const tf = performance.now();
    const m = trainHead(vectorizer, matrix, train.map((s) => s.label), opts).model;
    fitMs = performance.now() - tf;
    if (m.labels.join() !== labels.join()) throw new Error('label order');
    P = new Float64Array(dev.length * K);
    dev.forEach((s, i) => {
      decisionScores(m, transformPrepared(vectorizer, prepareText(s.text)), tmp);
      P.set(softmax(tmp, m.temperature, prob), i * K);
    });
  } else {
    const fold = foldsOf(train.length, folds);
    P = new Float64Array(train.length * K);
    for (let f = 0; f < folds; f++) {
      const tr = train.map((_, i) => i).filter((i) => fold[i] !== f);
      const sub = selectRows(matrix, tr);
      const tf = performance.now();
      const m = trainHead(vectorizer, sub, tr.map((i) => train[i]!.label), opts).model;
      fitMs += performance.now() - tf;
      if (m.labels.join() !== labels.join()) throw new Error('label order');
      for (let i = 0; i < train.length; i++) {
        if (fold[i] !== f) continue;
        rowScores(m, matrix, i, tmp);
        P.set(softmax(tmp, m.temperature, prob), i * K);
      }
    }
    fitMs /= folds;
  }
  writeFileSync(join(dir, `${name}.${devMode ? 'dev' : `cv${folds}`}.bin`), new Uint8Array(P.buffer));
  report(`${name} ${JSON.stringify(opts)} (fit ${(fitMs / 1000).toFixed(1)} s)`, P, folds);
} else if (mode === 'combine') {
  const folds = Number(args[2] ?? 5);
  const n = devMode ? dev.length : train.length;
  const P = new Float64Array(n * K);
  for (const part of args[1]!.split(',')) {
    const [name, w] = part.split('*');
    const buf = readFileSync(join(dir, `${name}.${devMode ? 'dev' : `cv${folds}`}.bin`));
    const Q = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    const wt = Number(w ?? 1);
    for (let j = 0; j < P.length; j++) P[j] = P[j]! + wt * (geo ? Math.log(Math.max(Q[j]!, 1e-300)) : Q[j]!);
  }
  report(`${args[1]!}${geo ? ' (geo)' : ''}`, P, folds);
} else {
  console.error('usage: ensemble.ts member NAME <json> [folds] [--dev] | combine NAME[*w],... [folds] [--dev]');
  process.exit(2);
}
