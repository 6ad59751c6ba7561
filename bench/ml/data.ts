/** Loads the it-tickets data set and its fixed train/dev split (dev = SHA-1(Document) ≡ 1 mod 5). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Sample } from '../../src/ml/classifier.ts';
import { sharedPath } from '../support.ts';

export const TICKETS_CSV = sharedPath('data', 'it-tickets', 'tickets.csv');

/** SHA-1 hex of the UTF-8 text, as an integer, mod 5 (digit by digit, no BigInt needed). */
export function sha1Mod5(text: string): number {
  const hex = createHash('sha1').update(text, 'utf8').digest('hex');
  let r = 0;
  for (let i = 0; i < hex.length; i++) r = (r * 16 + Number.parseInt(hex[i]!, 16)) % 5;
  return r;
}

export function loadSplit(path = TICKETS_CSV): { train: Sample[]; dev: Sample[] } {
  const rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const train: Sample[] = [];
  const dev: Sample[] = [];
  for (const r of rows) {
    const s = { text: r['Document'] ?? '', label: r['Topic_group'] ?? '' };
    (sha1Mod5(s.text) === 1 ? dev : train).push(s);
  }
  return { train, dev };
}
