/**
 * Category classifier benchmark on the fixed it-tickets split, with the scikit-learn reference
 * run in the same process when Debian's python3-sklearn is installed.
 *
 *   node bench/ml/classifier.ts            (from the repository root)
 *
 * Prints macro-F1, accuracy, ECE, training seconds, prediction throughput, artifact size, and
 * sklearn's LinearSVC figures + our/their ratios (or "sklearn: not available").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSplit } from './data.ts';
import { evaluateModel, predictMany, trainClassifier } from '../../src/ml/classifier.ts';
import { serializeModel, deserializeModel } from '../../src/ml/model.ts';
import { sharedPath } from '../support.ts';

const SPLIT_PY = sharedPath('bench', 'split_dev.py');
const BASELINE_PY = sharedPath('bench', 'sklearn_baseline.py');
const PY = 'python3';

function fmt(x: number, d = 4): string {
  return x.toFixed(d);
}

function runSklearn(): { macroF1: number; accuracy: number; fitS: number; wallS: number } | string {
  const probe = spawnSync(PY, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'not available';
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-sk-'));
  try {
    const split = spawnSync(PY, [SPLIT_PY, dir], { encoding: 'utf8' });
    if (split.status !== 0) return `split failed: ${split.stderr.trim()}`;
    const t0 = performance.now();
    const run = spawnSync(PY, [BASELINE_PY, join(dir, 'train.csv'), join(dir, 'dev.csv'), 'Document', 'Topic_group'], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    const wallS = (performance.now() - t0) / 1000;
    if (run.status !== 0) return `baseline failed: ${run.stderr.trim().slice(-500)}`;
    const m = /macroF1=([\d.]+) acc=([\d.]+).*fit_s=([\d.]+)/.exec(run.stdout);
    if (!m) return `unexpected output: ${run.stdout.trim()}`;
    return { macroF1: Number(m[1]), accuracy: Number(m[2]), fitS: Number(m[3]), wallS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { train, dev } = loadSplit();
console.log(`data: train=${train.length} dev=${dev.length}`);

const t0 = performance.now();
const res = trainClassifier(train, { seed: 42, log: (m) => console.log(`  ${m}`) });
const trainS = (performance.now() - t0) / 1000;
const model = res.model;
const h = res.holdoutMetrics!;
console.log(
  `holdout (20 % of train, model fitted on the other 80 %): macroF1=${fmt(h.macroF1)} acc=${fmt(h.accuracy)} ECE=${fmt(h.ece ?? NaN)} T=${fmt(model.temperature, 3)}`,
);

// evaluation on dev (also warms up the prediction path)
const m = evaluateModel(model, dev);

// throughput: raw text → prepareText → features → top-3 probabilities, single process
const texts = dev.map((s) => s.text);
const reps = 2;
const tp = performance.now();
for (let r = 0; r < reps; r++) predictMany(model, texts);
const predPerS = (texts.length * reps) / ((performance.now() - tp) / 1000);

const bytes = serializeModel(model);
const rawBytes = serializeModel(model, { compress: false });
const back = deserializeModel(bytes);
const same = JSON.stringify(predictMany(back, texts.slice(0, 500))) === JSON.stringify(predictMany(model, texts.slice(0, 500)));

console.log('');
console.log('== ours (hashed TF-IDF word 1-2 + char_wb 2-5, OvR L2-SVM dual CD, 8-bit weights)');
console.log(`category macro-F1 : ${fmt(m.macroF1)}`);
console.log(`accuracy          : ${fmt(m.accuracy)}`);
console.log(`ECE (10 bins)     : ${fmt(m.ece ?? NaN)}`);
console.log(`training seconds  : ${trainS.toFixed(1)}  (vectorise ${(res.timings.vectorizeMs / 1000).toFixed(1)}, holdout fit ${(res.timings.holdoutFitMs / 1000).toFixed(1)}, refit ${(res.timings.refitMs / 1000).toFixed(1)})`);
console.log(`predictions/s     : ${predPerS.toFixed(0)}  (single process, raw text in, top-3 out)`);
console.log(`artifact bytes    : ${bytes.length} (deflated), ${rawBytes.length} (raw); weight rows ${model.weights.length / model.labels.length}; round trip identical: ${same}`);
console.log('per class (P / R / F1 / support):');
for (const c of m.perClass) {
  console.log(`  ${c.label.padEnd(22)} ${fmt(c.precision, 3)} ${fmt(c.recall, 3)} ${fmt(c.f1, 3)} ${c.support}`);
}

console.log('');
const sk = runSklearn();
if (typeof sk === 'string') {
  console.log(`sklearn: ${sk}`);
} else {
  console.log(`== sklearn reference (TF-IDF word 1-2 + char_wb 2-5, LinearSVC C=0.5), same split`);
  console.log(`sklearn macro-F1  : ${fmt(sk.macroF1)}   ours/theirs = ${fmt(m.macroF1 / sk.macroF1, 3)}`);
  console.log(`sklearn accuracy  : ${fmt(sk.accuracy)}   ours/theirs = ${fmt(m.accuracy / sk.accuracy, 3)}`);
  console.log(`sklearn fit s     : ${sk.fitS.toFixed(1)} (LinearSVC only; script wall ${sk.wallS.toFixed(1)} s incl. vectorising)   our train s / their wall s = ${fmt(trainS / sk.wallS, 2)}`);
}
