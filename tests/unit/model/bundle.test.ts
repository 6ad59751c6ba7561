import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictVector, trainHeads, vectorize, type TrainedHead } from '../../../src/ml/classifier.ts';
import { serializeModel } from '../../../src/ml/model.ts';
import { BundleFormatError, decodeBundle, encodeBundle } from '../../../src/services/model/bundle.ts';
import { classifyTexts, ticketClassifier } from '../../../src/services/model/classify.ts';
import type { LoadedModel } from '../../../src/services/model/registry.ts';

interface HistoryRow {
  subject: string;
  body: string;
  category: string;
  department: string;
  priority: string;
  issue_type: string;
}

const rows = readFileSync(new URL('../../../fixtures/tickets/history.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as HistoryRow);
const texts = rows.map((r) => `${r.subject}\n${r.body}`);

function train(quantize = true) {
  return trainHeads(
    texts,
    {
      category: rows.map((r) => r.category),
      department: rows.map((r) => r.department),
      // a head with unknown labels on some rows
      priority: rows.map((r, i) => (i % 3 === 0 ? null : r.priority)),
    },
    { seed: 7, quantize },
  );
}

const trained = train();
const heads = Object.fromEntries(Object.entries(trained.heads).map(([k, v]) => [k, v.model])) as Record<string, TrainedHead>;
const probes = ['Не работает принтер на третьем этаже', 'Құпиясөзді ұмытып қалдым, көмектесіңізші', 'I need access to the finance share', ''];

describe('model bundle format', () => {
  it('round-trips every head: same labels, temperature and bit-identical predictions, one shared vectorizer', () => {
    const bytes = encodeBundle({ vectorizer: trained.vectorizer, heads });
    expect([...bytes.subarray(0, 4)]).toEqual([0x48, 0x44, 0x4d, 0x42]);
    const decoded = decodeBundle(bytes);
    expect(Object.keys(decoded.heads)).toEqual(['category', 'department', 'priority']);
    for (const head of Object.values(decoded.heads)) expect(head.vectorizer).toBe(decoded.vectorizer);
    expect(decoded.vectorizer.config).toEqual(trained.vectorizer.config);
    expect(decoded.vectorizer.idf).toEqual(trained.vectorizer.idf);
    for (const [name, original] of Object.entries(heads)) {
      const copy = decoded.heads[name]!;
      expect(copy.labels).toEqual(original.labels);
      expect(copy.temperature).toBe(original.temperature);
      expect(copy.params).toEqual(original.params);
      expect(copy.weights).toEqual(original.weights);
      expect(copy.rowOf).toEqual(original.rowOf);
      for (const text of probes) {
        expect(predictVector(copy, vectorize(decoded.vectorizer, text))).toEqual(predictVector(original, vectorize(trained.vectorizer, text)));
      }
    }
  });

  it('is byte-deterministic for a seed, and stores the vectorizer once (smaller than the per-head artifacts)', () => {
    const a = encodeBundle({ vectorizer: trained.vectorizer, heads });
    const again = train();
    const b = encodeBundle({ vectorizer: again.vectorizer, heads: Object.fromEntries(Object.entries(again.heads).map(([k, v]) => [k, v.model])) });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const separate = Object.values(heads).reduce((sum, h) => sum + serializeModel(h).length, 0);
    expect(a.length).toBeLessThan(separate);
  });

  it('round-trips unquantised (float32) heads and uncompressed bodies', () => {
    const plain = train(false);
    const h = Object.fromEntries(Object.entries(plain.heads).map(([k, v]) => [k, v.model])) as Record<string, TrainedHead>;
    const decoded = decodeBundle(encodeBundle({ vectorizer: plain.vectorizer, heads: h }, { compress: false }));
    expect(decoded.heads.category!.codes).toBeNull();
    expect(decoded.heads.category!.weights).toEqual(h.category!.weights);
  });

  it('rejects heads that do not share the vectorizer, and corrupt artifacts with a clear error', () => {
    const other = trainHeads(texts.slice(0, 60), { category: rows.slice(0, 60).map((r) => r.category) }, { seed: 1 });
    expect(() => encodeBundle({ vectorizer: trained.vectorizer, heads: { category: heads.category!, other: other.heads.category!.model } })).toThrow(
      'head other has its own vectorizer',
    );
    const bytes = encodeBundle({ vectorizer: trained.vectorizer, heads });
    expect(() => decodeBundle(new Uint8Array([1, 2, 3]))).toThrow(BundleFormatError);
    expect(() => decodeBundle(serializeModel(heads.category!))).toThrow('not a helpdesk model bundle');
    expect(() => decodeBundle(bytes.subarray(0, bytes.length - 100))).toThrow(BundleFormatError);
    const future = bytes.slice();
    future[4] = 9;
    expect(() => decodeBundle(future)).toThrow('unsupported model bundle version 9');
  });

  it('classifyTexts vectorises once and scores all heads in one fused pass, bit-identical to predicting head by head', () => {
    const decoded = decodeBundle(encodeBundle({ vectorizer: trained.vectorizer, heads }));
    const model: LoadedModel = { id: 'x', name: 'helpdesk-classifier', version: 1, heads: decoded.heads, vectorizer: decoded.vectorizer, quality: { category: 0.9, priority: 0.3 } };
    const out = classifyTexts(model, probes);
    const asPipeline = ticketClassifier(model);
    expect([asPipeline.modelId, asPipeline.modelName]).toEqual(['x', 'helpdesk-classifier v1']);
    expect(asPipeline.classify(probes)).toEqual(out);
    // A head below the quality bar is dropped; the category head never is.
    const strict = ticketClassifier(model, 0.95).classify(probes);
    expect(strict.every((p) => p.category !== undefined && p.priority === undefined)).toBe(true);
    expect(out).toHaveLength(probes.length);
    probes.forEach((text, i) => {
      expect(Object.keys(out[i]!)).toEqual(['category', 'department', 'priority']);
      for (const name of ['category', 'department', 'priority'] as const) {
        const expected = predictVector(heads[name]!, vectorize(trained.vectorizer, text));
        const got = out[i]![name]!;
        // the fused weight table scores bit-identically to each head on its own
        expect(got).toEqual(expected);
        expect(got.top).toHaveLength(3);
        expect(got.top[0]!.p).toBeGreaterThanOrEqual(got.top[1]!.p);
      }
    });
  });
});
