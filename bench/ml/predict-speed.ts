/**
 * Prediction throughput of a stored model bundle in this process, raw text in, top three per
 * head out (`classifyTexts`), with the bundle as it is and with a four-head stand-in (the
 * category head copied into four separate tables, as bench/model.ts does). For profiling
 * (`node --cpu-prof bench/ml/predict-speed.ts ...`) and before/after comparisons.
 *
 *   node bench/ml/predict-speed.ts MODEL.bin DEV.csv [one|four|both] [rounds]
 *   node bench/ml/predict-speed.ts MODEL.bin DEV.csv golden OUT.json   (every prediction, as JSON)
 *
 * MODEL.bin: an `ml_models.artifact`; DEV.csv: a CSV with a Document column. Prints the best
 * round both by wall time and by this process's CPU time (user + system), which is less
 * disturbed when other jobs share the machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { decodeBundle } from '../../src/services/model/bundle.ts';
import { classifyTexts } from '../../src/services/model/classify.ts';
import type { LoadedModel } from '../../src/services/model/registry.ts';

const [modelPath, devPath, mode = 'both', arg = '5'] = process.argv.slice(2);
if (!modelPath || !devPath) throw new Error('usage: node bench/ml/predict-speed.ts MODEL.bin DEV.csv [one|four|both|golden] [rounds|OUT.json]');
const b = decodeBundle(new Uint8Array(readFileSync(modelPath)));
const model: LoadedModel = { id: 'x', name: 'x', version: 1, heads: b.heads as LoadedModel['heads'], vectorizer: b.vectorizer, quality: {} };
const c = model.heads.category!;
const copy = () => ({ ...c, rowOf: c.rowOf.slice(), weights: c.weights.slice() });
const four: LoadedModel = { ...model, heads: { category: c, department: copy(), priority: copy(), issue_type: copy() } };
const texts = (parse(readFileSync(devPath), { columns: true }) as { Document: string }[]).map((r) => r.Document);

function rate(m: LoadedModel, rounds: number): { wall: number; cpu: number } {
  classifyTexts(m, texts.slice(0, 2000)); // warm-up
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    classifyTexts(m, texts);
    const t = (performance.now() - t0) / 1000;
    const u = process.cpuUsage(c0);
    wall = Math.max(wall, texts.length / t);
    cpu = Math.max(cpu, texts.length / ((u.user + u.system) / 1e6));
  }
  return { wall, cpu };
}

if (mode === 'golden') {
  writeFileSync(arg, JSON.stringify({ one: classifyTexts(model, texts), four: classifyTexts(four, texts) }));
} else {
  const show = (name: string, r: { wall: number; cpu: number }) => console.log(`${name}: ${Math.round(r.wall)}/s wall, ${Math.round(r.cpu)}/s cpu`);
  if (mode !== 'four') show('1 head ', rate(model, Number(arg)));
  if (mode !== 'one') show('4 heads', rate(four, Number(arg)));
}
