import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { readDatabaseSettings } from '../db/settings.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { applyMigrations, countRows, resetDatabase } from './database-admin.ts';
import { importTickets, type ImportSummary } from './import/tickets.ts';
import { parseMapping } from './import/fields.ts';
import { openInput, type InputSource } from './import/input.ts';
import { ticketClassifier } from './model/classify.ts';
import { loadActiveModel } from './model/registry.ts';
import { trainModel, type TrainResult } from './model/train.ts';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './pipeline/config.ts';
import { explainTicket, type Explanation } from './pipeline/explain.ts';
import { runPipeline, type PipelineSummary } from './pipeline/run.ts';
import { loadReferenceFixtures } from './reference/fixtures.ts';
import { seedReferenceData } from './reference/seed.ts';
import { dailyReport, type DailyReport } from './stats/report.ts';

const FIXTURES = join(PROJECT_ROOT, 'fixtures') + '/';

export interface DemoResult {
  location: string;
  startedClean: boolean;
  history: { itTickets: number; fixtureTickets: number };
  model: { version: number; samples: number; categoryMacroF1: number | null; seconds: number };
  incoming: number;
  pipeline: PipelineSummary;
  examples: Explanation[];
  daily: DailyReport;
  seconds: number;
}

/**
 * The whole job from nothing: a fresh schema with the reference data, a labelled history (a
 * sample of the shared IT tickets and the ru/kk/en fixture tickets), a trained and activated
 * model, a batch of fresh ru/kk/en tickets, the pipeline, and what happened.
 */
export async function runDemo(db: Database, onStep: (message: string) => void, config: PipelineConfig = DEFAULT_PIPELINE_CONFIG): Promise<DemoResult> {
  const started = performance.now();
  const hadData = (await countRows(db)).some((t) => t.rows > 0);
  if (hadData) {
    onStep('starting clean: emptying the demo database');
    await resetDatabase(db);
  } else {
    await applyMigrations(db);
  }
  // A fresh demo database has the default statistics time zone (migrations store it).
  const timeZone = (await readDatabaseSettings(db.sql)).statsTimeZone;
  onStep('seeding departments, categories, operators and answer templates');
  await seedReferenceData(db.em.fork(), loadReferenceFixtures());

  onStep('importing the labelled history');
  const itTickets = await importFile(db, join(FIXTURES, 'it-tickets', 'sample.csv'), ['body=Document,category=Topic_group'], 'closed', timeZone);
  const fixtureTickets = await importFile(db, join(FIXTURES, 'tickets', 'history.jsonl'), undefined, undefined, timeZone);

  onStep(`training the classifier on ${itTickets.created + fixtureTickets.created} labelled tickets`);
  const trained: TrainResult = await trainModel(db.em.fork(), { activate: true });

  onStep('importing fresh tickets in Russian, Kazakh and English (arrived in the last hour)');
  const incoming = await importFile(db, join(FIXTURES, 'tickets', 'incoming.jsonl'), undefined, undefined, timeZone, recentInput(join(FIXTURES, 'tickets', 'incoming.jsonl'), new Date()));

  onStep('running the pipeline: classify, resolve, escalate, route');
  const model = await loadActiveModel(db.em.fork());
  const pipeline = await runPipeline(db.em.fork(), ticketClassifier(model, config.thresholds.headQuality), { batchSize: 500, dryRun: false, config, statsTimeZone: timeZone });

  const examples = await pickExamples(db, config);
  const days = (
    await sql<{ first: string; last: string }>`
      select to_char(min(created_at at time zone ${timeZone}), 'YYYY-MM-DD') as first,
             to_char(max(created_at at time zone ${timeZone}), 'YYYY-MM-DD') as last
      from tickets where id in (select ticket_id from ai_predictions)`.execute(db.em.getKysely<any>())
  ).rows[0];
  const daily = await dailyReport(db.em.fork(), { from: days?.first ?? '1970-01-01', to: days?.last ?? '1970-01-01', timeZone });
  return {
    location: db.target.displayUrl,
    startedClean: hadData,
    history: { itTickets: itTickets.created, fixtureTickets: fixtureTickets.created },
    model: {
      version: trained.version,
      samples: trained.sampleCount,
      categoryMacroF1: trained.heads.find((h) => h.head === 'category')?.macroF1 ?? null,
      seconds: trained.trainingSeconds,
    },
    incoming: incoming.created,
    pipeline,
    examples,
    daily,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The fresh tickets as if they had arrived over the last hour, in their order and spacing
 * (scaled): the pipeline answers them now, so first-response times and SLA figures look like a
 * real day's, not a week's wait for tickets dated when the fixture was written.
 */
export function recentInput(path: string, now: Date, spanMinutes = 60): InputSource {
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { created_at?: string });
  const times = rows.map((r) => Date.parse(r.created_at ?? ''));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = Math.max(1, last - first);
  // The newest arrived a minute ago, the oldest spanMinutes + 1 minutes ago.
  const shifted = rows.map((r, i) => ({ ...r, created_at: new Date(now.getTime() - 60_000 - ((last - times[i]!) / span) * spanMinutes * 60_000).toISOString() }));
  const text = Buffer.from(shifted.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { name: path, size: text.length, chunks: (async function* () { yield text; })() } as InputSource;
}

async function importFile(db: Database, path: string, map: string[] | undefined, status: 'closed' | undefined, statsTimeZone: string, input?: InputSource): Promise<ImportSummary> {
  if (!existsSync(path)) throw new Error(`demo data missing: ${path}`);
  return importTickets(db, {
    input: input ?? openInput(path, process.stdin),
    encoding: 'utf-8',
    mapping: parseMapping(map),
    defaultSource: 'email',
    defaultStatus: status,
    statsTimeZone,
    createMissing: false,
    onError: 'fail',
    dryRun: false,
  });
}

/** One ticket per decision the pipeline took, Russian, Kazakh and English in turn. */
async function pickExamples(db: Database, _config: PipelineConfig): Promise<Explanation[]> {
  const rows = (
    await sql<{ number: string; decision: string; language: string }>`
      select distinct on (p.decision) t.number::text as number, p.decision::text as decision, t.language::text as language
      from ai_predictions p join tickets t on t.id = p.ticket_id
      order by p.decision, (case t.language when 'ru' then 0 when 'kk' then 1 else 2 end) + (case p.decision when 'routed' then 1 when 'escalated' then 1 else 0 end) % 3, t.number`.execute(db.em.getKysely<any>())
  ).rows;
  const out: Explanation[] = [];
  for (const row of rows) out.push(await explainTicket(db.em.fork(), row.number));
  return out;
}
