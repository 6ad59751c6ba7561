import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/cli.ts';

// What a model cannot do is said, and export, train and evaluate agree on one split.

const HISTORY = new URL('../../fixtures/tickets/history.jsonl', import.meta.url).pathname;
let database: TestDatabase;
let tmp: string;

async function ok(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const result = await runCli(args, { database });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), 'helpdesk-model-gaps-'));
  await ok(['db', 'seed']);
  await ok(['import', 'tickets', HISTORY]);
  // A category added after the history: no sample can teach it.
  await ok(['categories', 'add', '--name', 'Printers', '--department', 'Infrastructure', '--priority', 'low']);
});
afterAll(async () => {
  await database?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('model train tells what the model cannot predict', () => {
  it('warns about a category with no samples and the thin languages, and model show lists them', async () => {
    const train = await ok(['model', 'train', '--activate', '--json']);
    const result = JSON.parse(train.stdout);
    expect(result.languages).toEqual({ ru: 36, kk: 36, en: 36 });
    expect(result.gaps).toContainEqual({ kind: 'category', name: 'Printers', samples: 0, level: 'none' });
    expect(result.gaps.filter((g: { kind: string }) => g.kind === 'language')).toEqual([
      { kind: 'language', name: 'ru', samples: 36, level: 'few' },
      { kind: 'language', name: 'kk', samples: 36, level: 'few' },
      { kind: 'language', name: 'en', samples: 36, level: 'few' },
    ]);
    const lines = train.stderr.split('\n');
    expect(lines).toContain('warning: category "Printers": no samples: it can never be predicted');
    expect(lines).toContain('warning: language kk: only 36 samples (fewer than 100): the model barely knows it');
    const show = await ok(['model', 'show', String(result.version)]);
    expect(show.stdout).toContain('\ngaps (');
    expect(show.stdout).toContain('  category "Printers": no samples: it can never be predicted\n');
    expect(show.stdout).toContain('languages\tru 36, kk 36, en 36\n');
  });

  it('per-language metrics: each head\'s holdout split by language adds up to the holdout', async () => {
    const result = JSON.parse((await ok(['model', 'train', '--json'])).stdout);
    for (const head of result.heads) {
      expect(Object.keys(head.byLanguage).sort()).toEqual(['en', 'kk', 'ru']);
      const samples = Object.values(head.byLanguage as Record<string, { samples: number }>).reduce((a, m) => a + m.samples, 0);
      expect(samples, head.head).toBe(head.holdout);
    }
    const shown = JSON.parse((await ok(['model', 'show', String(result.version), '--json'])).stdout);
    expect(shown.metrics.category.byLanguage).toEqual(result.heads[0].byLanguage);
  });
});

describe('one split from export to training to evaluation', () => {
  it('export --split dev=0.2, train --split train and evaluate --split dev see the same samples on the same sides', async () => {
    const out = join(tmp, 'samples.jsonl');
    await ok(['export', 'training-samples', '--split', 'dev=0.2', '--format', 'jsonl', '--out', out, '--no-redact']);
    const exported = (await import('node:fs')).readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { split: string });
    const dev = exported.filter((r) => r.split === 'dev').length;
    const train = exported.length - dev;
    expect(dev).toBeGreaterThan(0);
    expect(train).toBeGreaterThan(dev);

    const trained = JSON.parse((await ok(['model', 'train', '--split', 'train', '--min-samples', '20', '--json'])).stdout);
    expect(trained.sampleCount).toBe(train);
    expect(trained.split).toEqual({ shares: 'dev=0.2', part: 'train' });
    const excluded = JSON.parse((await ok(['model', 'train', '--exclude-split', 'dev', '--min-samples', '20', '--json'])).stdout);
    expect(excluded.sampleCount).toBe(train);

    // Evaluated on its own dev side: none of those texts was trained on, so no warning.
    const clean = await ok(['model', 'evaluate', '--model', String(trained.version), '--split', 'dev', '--json']);
    const report = JSON.parse(clean.stdout);
    expect(report.source).toEqual({ kind: 'split', part: 'dev', shares: 'dev=0.2', rows: dev });
    expect(report.overlap).toEqual({ rows: 0, share: 0 });
    expect(clean.stderr).toBe('');
    expect(report.heads.category.n).toBe(dev);

    // A model trained on everything has seen every dev text: the report says so.
    const all = JSON.parse((await ok(['model', 'train', '--min-samples', '20', '--json'])).stdout);
    const flattered = await ok(['model', 'evaluate', '--model', String(all.version), '--split', 'dev']);
    expect(flattered.stderr).toContain(`warning: ${dev} of ${dev} texts of the "dev" samples (100.0 %) are training samples of this model`);
  });

  it('--budget goes with tuning; a small history is not tuned and says why', async () => {
    expect(await runCli(['model', 'train', '--no-tune', '--budget', '30'], { database })).toMatchObject({ code: 2, stderr: 'error: --budget is the time for tuning: drop it with --no-tune\n' });
    expect(await runCli(['model', 'train', '--budget', '0'], { database })).toMatchObject({ code: 2, stderr: 'error: --budget must be a whole number of at least 1 (got "0")\n' });
    const small = await ok(['model', 'train', '--json']);
    expect(JSON.parse(small.stdout).tuning).toBeNull();
    expect(small.stderr).toContain('not tuned: 108 labelled samples of category, fewer than the 1000 cross-validation needs to tell settings apart; the defaults are kept\n');
  });

  it('bad split flags are usage errors naming the parts', async () => {
    expect(await runCli(['model', 'train', '--split', 'test'], { database })).toMatchObject({ code: 2, stderr: 'error: --split must name a part of dev=0.2: train, dev (got "test")\n' });
    expect(await runCli(['model', 'train', '--split', 'train', '--exclude-split', 'dev'], { database })).toMatchObject({ code: 2, stderr: 'error: give --split or --exclude-split, not both\n' });
    expect(await runCli(['model', 'evaluate', '--split', 'dev', '--file', HISTORY], { database })).toMatchObject({ code: 2, stderr: 'error: give --file or --split, not both\n' });
  });
});

describe('model evaluate --file warns when the file overlaps the training samples', () => {
  it('counts the evaluated texts that are training samples (by content hash)', async () => {
    const seen = await ok(['model', 'evaluate', '--file', HISTORY, '--json']);
    expect(JSON.parse(seen.stdout).overlap).toEqual({ rows: 108, share: 1 });
    expect(seen.stderr).toBe('warning: 108 of 108 texts of the file (100.0 %) are training samples of this model: the figures flatter it\n');

    const fresh = join(tmp, 'fresh.csv');
    writeFileSync(fresh, 'body,category\n"Printer on floor 3 prints blank pages, toner replaced yesterday",Hardware\n"Need access to the finance share for the new analyst",Access\n');
    const unseen = await ok(['model', 'evaluate', '--file', fresh, '--json']);
    expect(JSON.parse(unseen.stdout)).toMatchObject({ overlap: { rows: 0, share: 0 }, source: { kind: 'file', rows: 2 } });
    expect(JSON.parse(unseen.stdout).heads.category.byLanguage.en.samples).toBe(2);
    expect(unseen.stderr).toBe('');
  });
});

describe('a language the model barely knows is marked where its decisions are shown', () => {
  it('pipeline explain says so, and stats models counts those predictions', async () => {
    const created = JSON.parse((await ok(['tickets', 'create', '--body', 'Принтер жұмыс істемейді, қағаз кептеліп қалды', '--language', 'kk', '--json'])).stdout);
    await ok(['pipeline', 'run']);
    const explain = await ok(['pipeline', 'explain', String(created.number)]);
    expect(explain.stdout).toContain('language in training\tkk: 36 training samples: the model barely knows this language\n');
    const today = new Date().toISOString().slice(0, 10);
    const rows = JSON.parse((await ok(['stats', 'models', '--period', 'day', '--from', '2020-01-01', '--to', today, '--json'])).stdout).rows as { language: string; predictions: number; thinLanguage: number }[];
    // Every language of this model is thin (36 samples each): every prediction is counted.
    const all = rows.filter((r) => r.language === 'all');
    expect(all.reduce((a, r) => a + r.thinLanguage, 0)).toBe(all.reduce((a, r) => a + r.predictions, 0));
    expect(rows.some((r) => r.language === 'kk' && r.thinLanguage > 0)).toBe(true);
  });
});
