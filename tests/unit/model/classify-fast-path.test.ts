/**
 * The prediction fast path (src/ml/predictor.ts behind classifyTexts) against a straightforward
 * reference: substrings for the char n-grams, a Map for the counts, TF-IDF and scores written
 * out head by head from the documented formulas. Same labels and probabilities to the last bit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictVector, trainHeads, vectorize, type Prediction, type TrainedHead } from '../../../src/ml/classifier.ts';
import { fmix32, hashString, resetCountTable, type Vectorizer } from '../../../src/ml/features.ts';
import { Predictor } from '../../../src/ml/predictor.ts';
import { stemOf } from '../../../src/ml/stem.ts';
import { prepareText, tokenize } from '../../../src/ml/text.ts';
import { decodeBundle, encodeBundle } from '../../../src/services/model/bundle.ts';
import { classifyTexts } from '../../../src/services/model/classify.ts';
import type { LoadedModel } from '../../../src/services/model/registry.ts';

interface Row {
  subject: string;
  body: string;
  category: string;
  department: string;
  priority: string;
  issue_type: string;
}
const read = (name: string) =>
  readFileSync(new URL(`../../../fixtures/tickets/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
const history = read('history.jsonl');
const incoming = read('incoming.jsonl');

// ru / kk / en tickets whole, subjects and bodies on their own, and a few odd inputs
const probes: string[] = [
  ...[...history, ...incoming].flatMap((r) => [`${r.subject}\n${r.body}`, r.subject, r.body]),
  '',
  'a',
  'я',
  '42',
  'Не работает VPN!!! Срочно, звоните +7 701 123 45 67 или пишите ivan.petrov@company.kz',
  '<p>Принтер&nbsp;жұмыс <b>істемейді</b></p><blockquote>old reply</blockquote>',
  'Құпиясөзді ұмытып қалдым. Парольді қалпына келтіріңіз, рахмет',
  'ёлка Ёжик ЁЁЁ printer printer printer printer',
];

function model(quantize: boolean, heads: readonly (keyof Row)[]): LoadedModel {
  const trained = trainHeads(
    history.map((r) => `${r.subject}\n${r.body}`),
    Object.fromEntries(heads.map((h) => [h, history.map((r, i) => (h === 'priority' && i % 4 === 0 ? null : r[h]))])),
    { seed: 11, quantize },
  );
  const bundle = decodeBundle(encodeBundle({ vectorizer: trained.vectorizer, heads: Object.fromEntries(Object.entries(trained.heads).map(([k, v]) => [k, v.model])) }));
  return { id: 'm', name: 'helpdesk-classifier', version: 1, heads: bundle.heads, vectorizer: bundle.vectorizer, quality: {} };
}

/** TF-IDF vector of the reference: [bucket, value] in order of first occurrence, words first. */
function referenceVector(vec: Vectorizer, raw: string): [number, number][] {
  const cfg = vec.config;
  const mask = (1 << cfg.bits) - 1;
  const tokens = tokenize(prepareText(raw));
  const counts = new Map<number, { w: number; c: number }>();
  const add = (b: number, kind: 'w' | 'c') => {
    const e = counts.get(b) ?? { w: 0, c: 0 };
    e[kind]++;
    counts.set(b, e);
  };
  let prev: number | null = null;
  for (const t of tokens) {
    if (t.length < 2) {
      prev = null;
      continue;
    }
    const h = hashString(t, 0x811c9dc5 ^ cfg.hashSeed);
    add(h & mask, 'w');
    const stem = cfg.stems ? stemOf(t) : null;
    if (stem !== null) add(hashString(stem, 0x811c9dc5 ^ ((cfg.hashSeed ^ 0x5f3759df) | 0)) & mask, 'w');
    if (cfg.wordNgramMax >= 2 && prev !== null) add(fmix32(Math.imul(prev, 0x9e3779b1) ^ h ^ 0x5bd1e995) & mask, 'w');
    prev = h;
  }
  for (const t of tokens) {
    const padded = ` ${t} `;
    for (let i = 0; i + cfg.charNgramMin <= padded.length; i++) {
      for (let n = cfg.charNgramMin; n <= cfg.charNgramMax && i + n <= padded.length; n++) add(hashString(padded.slice(i, i + n), 0x2c1b3c6d ^ cfg.hashSeed) & mask, 'c');
    }
  }
  const tf = (c: number) => (cfg.sublinearTf ? 1 + Math.log(c) : c);
  const rows: [number, number, number][] = [];
  let nw = 0;
  let nc = 0;
  for (const [b, { w, c }] of counts) {
    const idf = vec.idf[b]!;
    if (idf === 0) continue;
    const vw = w > 0 ? tf(w) * idf : 0;
    const vc = c > 0 ? tf(c) * idf : 0;
    nw += vw * vw;
    nc += vc * vc;
    rows.push([b, vw, vc]);
  }
  const sa = nw > 0 ? cfg.wordWeight / Math.sqrt(nw) : 0;
  const sb = nc > 0 ? 1 / Math.sqrt(nc) : 0;
  const mixed = rows.map(([b, vw, vc]) => [b, vw * sa + vc * sb] as [number, number]);
  const norm = Math.sqrt(mixed.reduce((s, [, v]) => s + v * v, 0));
  return mixed.map(([b, v]) => [b, Math.fround(norm > 0 ? v * (1 / norm) : 0)]);
}

/** One head on its own: scores, softmax(scores / T), the three most probable (ties: earlier label). */
function referencePrediction(head: TrainedHead, x: [number, number][]): Prediction {
  const K = head.labels.length;
  const scores = Array.from(head.bias);
  for (const [b, v] of x) {
    const r = head.rowOf[b]!;
    if (r < 0) continue;
    for (let k = 0; k < K; k++) scores[k] = scores[k]! + v * head.weights[r * K + k]!;
  }
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp((s - max) / head.temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  const order = e.map((_, k) => k).sort((a, b) => e[b]! - e[a]! || a - b);
  const top = order.slice(0, 3).map((k) => ({ label: head.labels[k]!, p: e[k]! / sum }));
  return { label: top[0]!.label, confidence: top[0]!.p, top };
}

function expectSameAsReference(m: LoadedModel, texts: readonly string[]) {
  const got = classifyTexts(m, texts);
  texts.forEach((text, i) => {
    const x = referenceVector(m.vectorizer, text);
    const viaLibrary = vectorize(m.vectorizer, text);
    expect([...viaLibrary.indices]).toEqual(x.map(([b]) => b));
    expect([...viaLibrary.values]).toEqual(x.map(([, v]) => v));
    for (const [name, head] of Object.entries(m.heads) as [string, TrainedHead][]) {
      const expected = referencePrediction(head, x);
      expect(got[i]![name as keyof typeof got[number]]).toEqual(expected);
      expect(predictVector(head, viaLibrary)).toEqual(expected);
    }
  });
}

describe('classifyTexts fast path', () => {
  const four = model(true, ['category', 'department', 'priority', 'issue_type']);

  it(`equals the straightforward reference on ${probes.length} ru/kk/en texts, bit for bit (four 8-bit heads)`, () => {
    expect(probes.length).toBeGreaterThan(300);
    // the 8-bit table, not the float32 fallback
    expect(new Predictor(four.vectorizer, Object.entries(four.heads).map(([name, head]) => ({ name, head: head! }))).quantised).toBe(true);
    expectSameAsReference(four, probes);
    // again, with every token now cached
    expectSameAsReference(four, probes.slice().reverse());
  });

  it('equals it with float32 heads, and with one head', () => {
    expectSameAsReference(model(false, ['category', 'priority']), probes);
    expectSameAsReference(model(true, ['department']), probes);
  });

  it('gives a text too long for the shared count table the same prediction in a fresh process and after the table has grown', () => {
    // A long text makes the shared count table of features.ts grow; this once cost one count of
    // one n-gram, so a long text's vector depended on what the process had seen before.
    const long = history.map((r) => `${r.subject} ${r.body}`.replace(/\s+/g, ' ')).join(' ');
    expect(new Set(tokenize(prepareText(long))).size).toBeGreaterThan(500);
    const libraryPrediction = () => {
      const x = vectorize(four.vectorizer, long);
      return Object.fromEntries(Object.entries(four.heads).map(([name, head]) => [name, predictVector(head, x)]));
    };
    resetCountTable();
    const fresh = libraryPrediction();
    resetCountTable();
    expect(classifyTexts(four, [long])[0]).toEqual(fresh);
    expect(libraryPrediction()).toEqual(fresh);
    expect(classifyTexts(four, [long])[0]).toEqual(fresh);
    expectSameAsReference(four, [long]);
  });
});
