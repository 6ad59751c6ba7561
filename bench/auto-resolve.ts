/**
 * Precision and coverage of auto-resolution (issue 11).
 *
 *   node bench/auto-resolve.ts [--keep DIR] [--sweep]      (from the repository root)
 *
 * In a fresh embedded database, as `helpdesk demo` does: the reference data and answer templates
 * of fixtures/, the demo's labelled history (fixtures/it-tickets/sample.csv, drawn from the
 * train side of the shared split, and fixtures/tickets/history.jsonl), a model trained on it.
 * Then labelled tickets are imported as new, *without* their labels:
 *
 * - the dev split of the shared IT tickets (../shared/data/it-tickets/tickets.csv or
 *   $HELPDESK_SHARED_DIR, see bench/support.ts; rows whose
 *   SHA-1 of Document is 1 mod 5: never seen in training), when present. Their label,
 *   Topic_group, is the category: the demo and bench/model.ts import it as `category=Topic_group`
 *   and the eight topic groups are the eight categories of fixtures/categories.json;
 * - fixtures/tickets/auto-resolve.jsonl: ru/kk/en tickets written for this benchmark, each with
 *   its true category, the template that answers it (or none) and whether it must reach a
 *   person (security incident, complaint, urgency).
 *
 * The pipeline decides them; an auto-resolution is right when the predicted category equals the
 * true one and the template used belongs to that true category. Printed: precision (right /
 * auto-resolved) and coverage (auto-resolved / all), per source and language; for the fixtures
 * also the strict precision (the template is the one that answers the ticket) and how many
 * tickets that must reach a person were answered automatically. The default thresholds are run
 * for real (the answers written are checked for empty placeholders); `--sweep` adds dry runs at
 * other thresholds (20 more passes: about ten times as long).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.ts';
import { resolveTarget } from '../src/db/target.ts';
import { applyMigrations } from '../src/services/database-admin.ts';
import { parseMapping } from '../src/services/import/fields.ts';
import { openInput } from '../src/services/import/input.ts';
import { importTickets } from '../src/services/import/tickets.ts';
import { ticketClassifier } from '../src/services/model/classify.ts';
import { loadActiveModel } from '../src/services/model/registry.ts';
import { trainModel } from '../src/services/model/train.ts';
import { DEFAULT_PIPELINE_CONFIG, mergeConfig, type PipelineConfig } from '../src/services/pipeline/config.ts';
import { runPipeline, type DecidedTicket } from '../src/services/pipeline/run.ts';
import { loadReferenceFixtures } from '../src/services/reference/fixtures.ts';
import { seedReferenceData } from '../src/services/reference/seed.ts';
import { sha1Mod5, TICKETS_CSV } from './ml/data.ts';
import { fmt, log } from './support.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(ROOT, 'fixtures');
const SHARED_CSV = existsSync(TICKETS_CSV) ? TICKETS_CSV : null;

interface Truth {
  source: 'it-dev' | 'fixture';
  language: string;
  category: string;
  /** Fixtures: the template that answers the ticket, or null. */
  template?: string | null;
  /** Fixtures: must reach a person (security incident, complaint, urgency). */
  human?: boolean;
}

const keepAt = process.argv.indexOf('--keep');
const root = keepAt > 0 ? process.argv[keepAt + 1]! : mkdtempSync(join(tmpdir(), 'helpdesk-bench-auto-resolve-'));
const sweep = process.argv.includes('--sweep');

async function importFile(db: Database, path: string, map: string[] | undefined, status: 'closed' | undefined) {
  return importTickets(db, {
    input: openInput(path, process.stdin),
    encoding: 'utf-8',
    mapping: parseMapping(map),
    defaultSource: 'email',
    defaultStatus: status,
    statsTimeZone: db.settings.statsTimeZone,
    createMissing: false,
    onError: 'fail',
    dryRun: false,
  });
}

/** The labelled tickets as new ones without labels, and their truth by external id. */
function writeUnlabelled(): { csv: string | null; jsonl: string; truth: Map<string, Truth> } {
  const truth = new Map<string, Truth>();
  let csv: string | null = null;
  if (SHARED_CSV) {
    const rows = parse(readFileSync(SHARED_CSV), { columns: true, skip_empty_lines: true }) as { Document: string; Topic_group: string }[];
    const dev = rows.map((r, i) => ({ ...r, id: `IT-${i + 2}` })).filter((r) => sha1Mod5(r.Document) === 1);
    for (const r of dev) truth.set(r.id, { source: 'it-dev', language: 'en', category: r.Topic_group });
    csv = join(root, 'it-dev.csv');
    writeFileSync(csv, stringify(dev.map((r) => [r.id, r.Document, 'en']), { header: true, columns: ['external_id', 'body', 'language'] }));
  }
  const fixtures = readFileSync(join(FIXTURES, 'tickets', 'auto-resolve.jsonl'), 'utf8').split('\n').filter(Boolean);
  const lines: string[] = [];
  for (const line of fixtures) {
    const r = JSON.parse(line) as { external_id: string; language: string; subject: string; body: string; category: string; template: string | null; human: boolean };
    truth.set(r.external_id, { source: 'fixture', language: r.language, category: r.category, template: r.template, human: r.human });
    lines.push(JSON.stringify({ external_id: r.external_id, source: 'portal', subject: r.subject, body: r.body, language: r.language }));
  }
  const jsonl = join(root, 'fixtures.jsonl');
  writeFileSync(jsonl, lines.join('\n') + '\n');
  return { csv, jsonl, truth };
}

interface Figures {
  n: number;
  auto: number;
  right: number;
  strictRight: number;
  strictN: number;
  mustHuman: number;
  humanAnswered: number;
}

const empty = (): Figures => ({ n: 0, auto: 0, right: 0, strictRight: 0, strictN: 0, mustHuman: 0, humanAnswered: 0 });

function measure(decided: DecidedTicket[], externalIds: Map<string, string>, truth: Map<string, Truth>): Map<string, Figures> {
  const groups = new Map<string, Figures>();
  const add = (key: string, f: (g: Figures) => void) => {
    const g = groups.get(key) ?? empty();
    f(g);
    groups.set(key, g);
  };
  for (const t of decided) {
    const ext = externalIds.get(t.id);
    const want = ext ? truth.get(ext) : undefined;
    if (!want) continue;
    const auto = t.decision === 'auto_resolved';
    // The template used belongs to the predicted category (candidates are that category's), so
    // "template of the true category" is "predicted category = true category"; both checked.
    const template = auto ? (/template "([^"]+)"/.exec(t.reason)?.[1] ?? null) : null;
    const right = auto && t.category === want.category;
    const keys = ['all', want.source === 'it-dev' ? 'it-dev (en)' : `fixtures ${want.language}`, ...(want.source === 'fixture' ? ['fixtures all'] : [])];
    for (const key of keys) {
      add(key, (g) => {
        g.n++;
        if (auto) g.auto++;
        if (right) g.right++;
        if (want.source === 'fixture') {
          if (auto) g.strictN++;
          if (auto && right && template === want.template) g.strictRight++;
          if (want.human) g.mustHuman++;
          if (auto && want.human) g.humanAnswered++;
        }
      });
    }
  }
  return groups;
}

const ratio = (a: number, b: number): string => (b === 0 ? '—' : (a / b).toFixed(3));

function report(title: string, groups: Map<string, Figures>): void {
  console.log(`\n${title}`);
  console.log(['tickets'.padEnd(16), 'n'.padStart(6), 'auto'.padStart(6), 'right'.padStart(6), 'precision'.padStart(10), 'coverage'.padStart(9), 'strict'.padStart(7), 'person→auto'.padStart(12)].join(' '));
  for (const key of ['it-dev (en)', 'fixtures en', 'fixtures ru', 'fixtures kk', 'fixtures all', 'all']) {
    const g = groups.get(key);
    if (!g) continue;
    const fixture = key.startsWith('fixtures') || key === 'all';
    console.log(
      [
        key.padEnd(16),
        fmt(g.n).padStart(6),
        fmt(g.auto).padStart(6),
        fmt(g.right).padStart(6),
        ratio(g.right, g.auto).padStart(10),
        ratio(g.auto, g.n).padStart(9),
        (fixture ? ratio(g.strictRight, g.strictN) : '').padStart(7),
        (fixture ? `${g.humanAnswered}/${g.mustHuman}` : '').padStart(12),
      ].join(' '),
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = join(root, 'data');
  log(`database: ${dataDir}${SHARED_CSV ? '' : ' (no ../shared/data/it-tickets: fixtures only)'}`);
  const { csv, jsonl, truth } = writeUnlabelled();
  const db = await openDatabase({ target: resolveTarget({ dataDir, env: {} }), command: 'bench/auto-resolve.ts', create: true });
  try {
    await applyMigrations(db);
    await seedReferenceData(db.em.fork(), loadReferenceFixtures());
    log('importing the demo history and training the model');
    await importFile(db, join(FIXTURES, 'it-tickets', 'sample.csv'), ['body=Document,category=Topic_group'], 'closed');
    await importFile(db, join(FIXTURES, 'tickets', 'history.jsonl'), undefined, undefined);
    await trainModel(db.em.fork(), { activate: true });
    log('importing the labelled tickets as new, without their labels');
    if (csv) await importFile(db, csv, undefined, undefined);
    await importFile(db, jsonl, undefined, undefined);
    const ids = (await sql<{ id: string; external_id: string }>`select id, external_id from tickets where status = 'new'`.execute(db.em.getKysely<any>())).rows;
    const externalIds = new Map(ids.map((r) => [r.id, r.external_id]));
    const model = await loadActiveModel(db.em.fork());
    const t = DEFAULT_PIPELINE_CONFIG.thresholds;

    if (sweep) {
      console.log('\nDry runs at other thresholds (all sources): precision / coverage');
      for (const templateMatch of [0.3, 0.4, 0.5, 0.6, 0.75]) {
        const cells: string[] = [];
        for (const autoResolve of [0.5, 0.6, 0.7, 0.8]) {
          const config: PipelineConfig = mergeConfig(DEFAULT_PIPELINE_CONFIG, { thresholds: { templateMatch, autoResolve, escalate: Math.min(t.escalate, autoResolve) } }, 'sweep');
          const summary = await runPipeline(db.em.fork(), ticketClassifier(model, config.thresholds.headQuality), { batchSize: 500, limit: ids.length, dryRun: true, config, statsTimeZone: db.settings.statsTimeZone });
          const all = measure(summary.tickets, externalIds, truth).get('all')!;
          cells.push(`autoResolve ${autoResolve}: ${ratio(all.right, all.auto)} / ${ratio(all.auto, all.n)} (${all.auto})`);
        }
        console.log(`templateMatch ${templateMatch}: ${cells.join('  ')}`);
      }
    }

    // The default thresholds, for real: what the pipeline writes.
    const config = DEFAULT_PIPELINE_CONFIG;
    const decided: DecidedTicket[] = [];
    const summary = await runPipeline(db.em.fork(), ticketClassifier(model, config.thresholds.headQuality), { batchSize: 500, dryRun: false, config, statsTimeZone: db.settings.statsTimeZone });
    const rows = (
      await sql<DecidedTicket & { reason: string }>`
        select t.id, p.decision::text as decision, c.name as category, p.reason
        from tickets t join ai_predictions p on p.ticket_id = t.id left join categories c on c.id = t.category_id
        where t.external_id is not null and t.id in (select ticket_id from ai_predictions)`.execute(db.em.getKysely<any>())
    ).rows;
    decided.push(...rows);
    report(`Default thresholds (${JSON.stringify(config.thresholds)}), ${fmt(summary.processed)} tickets decided`, measure(decided, externalIds, truth));
    const blank = (await sql<{ n: number }>`select count(*)::int as n from ticket_messages where author_kind = 'ai' and (body like '%{{%' or body ~ '(Hello|Здравствуйте|Сәлеметсіз бе),? [,!]')`.execute(db.em.getKysely<any>())).rows[0]!.n;
    console.log(`automatic answers with an empty or unfilled placeholder: ${blank}`);
    const wrong = rows.filter((r) => r.decision === 'auto_resolved' && r.category !== truth.get(externalIds.get(r.id)!)?.category).slice(0, 15);
    if (wrong.length > 0) {
      console.log('\nWrong automatic answers (first 15):');
      for (const r of wrong) {
        const text = (await sql<{ body: string }>`select left(body, 90) as body from tickets where id = ${r.id}::uuid`.execute(db.em.getKysely<any>())).rows[0]!.body;
        console.log(`  ${externalIds.get(r.id)} true ${truth.get(externalIds.get(r.id)!)?.category}, answered as ${r.category}: ${text}`);
      }
    }
    console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  } finally {
    await db.close();
    if (keepAt < 0) rmSync(root, { recursive: true, force: true });
  }
}

await main();
