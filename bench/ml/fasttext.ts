/**
 * fastText (npm `fasttext.wasm`, a WebAssembly build of fastText 0.9) against our classifier on
 * the fixed it-tickets split, both measured in this process (issue 5). Bench only: the package is
 * a devDependency and nothing in src/ uses it.
 *
 *   node bench/ml/fasttext.ts            (from the repository root)
 *   FT_GRID=small node bench/ml/fasttext.ts   (two settings only, quicker)
 *
 * 1. fastText supervised: text = prepareText(raw) on one line, label `__label__X` (spaces in X
 *    replaced by `_`). Settings are picked on a slice of TRAIN (stratified 80/20 split of the
 *    train rows), never on dev; the winner is refitted on all of train and evaluated on dev.
 * 2. Ours: trainClassifier(train) + evaluateModel(dev), as bench/ml/classifier.ts does.
 * 3. Language identification: the bundled lid.176.ftz restricted to ru/kk/en against
 *    detectLanguage on the 168 fixture tickets (subject + body, as the importer passes them).
 */
import { readFileSync } from 'node:fs';
import { FastText } from 'fasttext.wasm';
import { loadSplit } from './data.ts';
import type { Sample } from '../../src/ml/classifier.ts';
import { evaluateModel, predictMany, stratifiedSplit, trainClassifier } from '../../src/ml/classifier.ts';
import { serializeModel } from '../../src/ml/model.ts';
import { Predictor } from '../../src/ml/predictor.ts';
import { evaluate } from '../../src/ml/metrics.ts';
import { prepareText } from '../../src/ml/text.ts';
import { detectLanguage } from '../../src/ml/language.ts';

type Core = any; // the package's embind classes are typed loosely

interface FtSetting {
  dim: number;
  epoch: number;
  lr: number;
  wordNgrams: number;
  minn: number;
  maxn: number;
}

const fmt = (x: number, d = 4) => x.toFixed(d);
const toLabel = (l: string) => `__label__${l.replace(/\s+/g, '_')}`;
const oneLine = (s: string) => s.replace(/[\r\n\t\v\f]+/g, ' ');

async function newFastText(): Promise<{ ft: FastText; core: Core; inner: Core }> {
  const ft = await FastText.create();
  return { ft, core: ft.core as Core, inner: (ft as unknown as { ft: Core }).ft };
}

/** Train one supervised model inside a fresh wasm instance; returns the predictor and timings. */
async function trainFastText(train: readonly Sample[], s: FtSetting) {
  const { ft, core, inner } = await newFastText();
  const lines = train.map((x) => `${toLabel(x.label)} ${oneLine(prepareText(x.text))}`).join('\n') + '\n';
  core.FS.writeFile('/train.txt', lines);
  const a = new core.Args();
  a.input = '/train.txt';
  a.output = '/model';
  a.model = core.ModelName.supervised;
  a.loss = core.LossName.softmax;
  a.dim = s.dim;
  a.epoch = s.epoch;
  a.lr = s.lr;
  a.wordNgrams = s.wordNgrams;
  a.minn = s.minn;
  a.maxn = s.maxn;
  a.minCount = 1;
  a.bucket = 2_000_000;
  a.thread = 1;
  a.seed = 42;
  a.verbose = 0;
  const t0 = performance.now();
  inner.train(a, () => {});
  const trainS = (performance.now() - t0) / 1000;
  core.FS.unlink('/train.txt');
  inner.saveModel('/model.bin');
  const bytes = core.FS.stat('/model.bin').size as number;
  const labelOf = new Map(train.map((x) => [toLabel(x.label), x.label]));
  const predictOne = (raw: string): { label: string; p: number } => {
    const v = inner.predict(oneLine(prepareText(raw)), 1, 0);
    const n = v.size();
    const top = n ? v.get(0) : [0, ''];
    v.delete();
    return { label: labelOf.get(top[1]) ?? '', p: top[0] };
  };
  return { ft, trainS, bytes, predictOne };
}

function evalWith(predictOne: (raw: string) => { label: string; p: number }, samples: readonly Sample[], labels: string[]) {
  const preds = samples.map((s) => predictOne(s.text));
  return evaluate(
    samples.map((s) => s.label),
    preds.map((p) => p.label),
    { labels, confidences: preds.map((p) => p.p) },
  );
}

function rate(fn: () => void, n: number, rounds = 2): number {
  fn(); // warm-up
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    best = Math.max(best, n / ((performance.now() - t0) / 1000));
  }
  return best;
}

const { train, dev } = loadSplit();
const labels = [...new Set([...train, ...dev].map((s) => s.label))].sort();
console.log(`data: train=${train.length} dev=${dev.length} labels=${labels.length}`);

// ---- 1. fastText: pick settings on a slice of TRAIN ------------------------------------------
const labelIds = new Map(labels.map((l, i) => [l, i]));
const [fitIdx, valIdx] = stratifiedSplit(train.map((s) => labelIds.get(s.label)!), 0.2, 42);
const fitPart = Array.from(fitIdx, (i) => train[i]!);
const valPart = Array.from(valIdx, (i) => train[i]!);
console.log(`selection slice: fit=${fitPart.length} val=${valPart.length} (both from train)`);

const GRID: FtSetting[] =
  process.env['FT_GRID'] === 'small'
    ? [
        { dim: 50, epoch: 10, lr: 0.5, wordNgrams: 2, minn: 0, maxn: 0 },
        { dim: 50, epoch: 10, lr: 0.5, wordNgrams: 2, minn: 2, maxn: 5 },
      ]
    : [
        { dim: 50, epoch: 10, lr: 0.5, wordNgrams: 2, minn: 0, maxn: 0 },
        { dim: 50, epoch: 25, lr: 1.0, wordNgrams: 2, minn: 0, maxn: 0 },
        { dim: 50, epoch: 10, lr: 0.5, wordNgrams: 2, minn: 2, maxn: 5 },
        // dim 100 with char n-grams aborted the wasm instance (2M buckets × 100 × 4 B = 800 MB
        // input matrix, on top of earlier instances): not measured.
      ];
const show = (s: FtSetting) => `dim=${s.dim} epoch=${s.epoch} lr=${s.lr} wordNgrams=${s.wordNgrams} minn/maxn=${s.minn}/${s.maxn}`;
let best: { s: FtSetting; f1: number } | undefined;
for (const s of GRID) {
  const r = await trainFastText(fitPart, s);
  const m = evalWith(r.predictOne, valPart, labels);
  console.log(`  ${show(s)}: train-slice macroF1=${fmt(m.macroF1)} acc=${fmt(m.accuracy)} train ${r.trainS.toFixed(1)} s`);
  if (!best || m.macroF1 > best.f1) best = { s, f1: m.macroF1 };
}
const chosen = best!.s;
console.log(`chosen on the train slice: ${show(chosen)}`);

const ftRun = await trainFastText(train, chosen);
const ftDev = evalWith(ftRun.predictOne, dev, labels);
const devTexts = dev.map((s) => s.text);
const ftRate1 = rate(() => { for (const t of devTexts) ftRun.predictOne(t); }, devTexts.length);
// four heads = four models; the stand-in runs the same model four times per text
// (prepareText once, as our Predictor does).
const inner = (ftRun.ft as unknown as { ft: Core }).ft;
const ftRate4 = rate(() => {
  for (const t of devTexts) {
    const line = oneLine(prepareText(t));
    for (let h = 0; h < 4; h++) inner.predict(line, 1, 0).delete();
  }
}, devTexts.length);

// ---- 2. ours, same run ------------------------------------------------------------------------
const t0 = performance.now();
const ours = trainClassifier(train, { seed: 42 });
const oursTrainS = (performance.now() - t0) / 1000;
const oursDev = evaluateModel(ours.model, dev);
const oursRate1 = rate(() => predictMany(ours.model, devTexts), devTexts.length);
const p4 = new Predictor(ours.model.vectorizer, ['category', 'department', 'priority', 'issue_type'].map((name) => ({ name, head: ours.model })));
const oursRate4 = rate(() => { for (const t of devTexts) p4.scorePrepared(prepareText(t)); }, devTexts.length);
const oursBytes = serializeModel(ours.model).length;

console.log('');
console.log('| | fastText (wasm) | ours |');
console.log('| --- | --- | --- |');
console.log(`| dev macro-F1 | ${fmt(ftDev.macroF1)} | ${fmt(oursDev.macroF1)} |`);
console.log(`| dev accuracy | ${fmt(ftDev.accuracy)} | ${fmt(oursDev.accuracy)} |`);
console.log(`| dev ECE (10 bins) | ${fmt(ftDev.ece ?? NaN)} | ${fmt(oursDev.ece ?? NaN)} |`);
console.log(`| training s | ${ftRun.trainS.toFixed(1)} | ${oursTrainS.toFixed(1)} |`);
console.log(`| predictions/s, 1 head | ${ftRate1.toFixed(0)} | ${oursRate1.toFixed(0)} |`);
console.log(`| predictions/s, 4 heads | ${ftRate4.toFixed(0)} | ${oursRate4.toFixed(0)} |`);
console.log(`| model bytes (1 head) | ${ftRun.bytes} | ${oursBytes} |`);
console.log(`fastText setting: ${show(chosen)}, softmax loss, minCount 1, bucket 2M, thread 1 (wasm)`);

// ---- 3. language identification --------------------------------------------------------------
const lid = await newFastText();
await lid.ft.loadModel(); // the bundled dist/model/lid.176.ftz, read from disk
type Lang = 'ru' | 'kk' | 'en';
const LANGS: Lang[] = ['ru', 'kk', 'en'];
const fixtures = ['fixtures/tickets/history.jsonl', 'fixtures/tickets/incoming.jsonl'].flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { subject?: string; body: string; language: Lang }),
);
let okFt = 0;
let okOurs = 0;
let kkAsRuFt = 0;
let kkAsRuOurs = 0;
const byLang: Record<string, number> = {};
for (const t of fixtures) {
  const text = t.subject?.trim() ? `${t.subject}\n${t.body}` : t.body;
  byLang[t.language] = (byLang[t.language] ?? 0) + 1;
  const all = lid.ft.predict(oneLine(text), -1, 0);
  let ftLang: Lang = 'en';
  let bestP = -1;
  for (const l of LANGS) {
    const p = all.get(`__label__${l}`) ?? 0;
    if (p > bestP) [ftLang, bestP] = [l, p];
  }
  const ourLang = detectLanguage(text).language;
  if (ftLang === t.language) okFt++;
  if (ourLang === t.language) okOurs++;
  if (t.language === 'kk' && ftLang === 'ru') kkAsRuFt++;
  if (t.language === 'kk' && ourLang === 'ru') kkAsRuOurs++;
}
console.log('');
console.log(`language id on ${fixtures.length} fixture tickets (${Object.entries(byLang).map(([k, v]) => `${k} ${v}`).join(', ')}):`);
console.log(`  lid.176 (ru/kk/en only): accuracy ${fmt(okFt / fixtures.length)} (${okFt}/${fixtures.length}), Kazakh taken for Russian ${kkAsRuFt}`);
console.log(`  detectLanguage         : accuracy ${fmt(okOurs / fixtures.length)} (${okOurs}/${fixtures.length}), Kazakh taken for Russian ${kkAsRuOurs}`);
