/**
 * Language detection throughput (moved here from a timed unit test: speed belongs in benchmarks).
 *
 *   node bench/ml/language-speed.ts [TEXTS]
 *
 * Reference measured in the same run: the floor any detector pays, lower-casing each text and one
 * regular-expression scan of it for Cyrillic letters. Target: more than 100,000 short texts/s.
 */
import { detectLanguage } from '../../src/ml/language.ts';

const n = Number(process.argv[2] ?? 400_000);
if (!Number.isInteger(n) || n <= 0) throw new Error(`usage: node bench/ml/language-speed.ts [TEXTS] (got ${process.argv[2]})`);
const texts = ['Outlook не работает', 'принтер жұмыс істемейді', 'help me with vpn', 'Сәлем', 'Компьютер не включается, срочно!'];

function rate(run: (text: string) => unknown): number {
  for (let i = 0; i < 20_000; i++) run(texts[i % texts.length]!); // warm-up
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) if (run(texts[i % texts.length]!)) sink++;
  const perSec = n / ((performance.now() - t0) / 1000);
  if (sink < 0) console.log(sink);
  return perSec;
}

const floor = rate((t) => /[а-яёәғқңөұүһі]/.test(t.toLowerCase()));
const ours = rate((t) => detectLanguage(t).language);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
console.log(`texts                          : ${fmt(n)} (five short ru/kk/en texts in turn)`);
console.log(`reference (lower-case + regex) : ${fmt(floor)} texts/s`);
console.log(`detectLanguage                 : ${fmt(ours)} texts/s (target > 100,000: ${ours > 100_000 ? 'met' : 'NOT met'}), ratio to the reference ${(ours / floor).toFixed(3)}`);
