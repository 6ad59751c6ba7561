// Statistics and export benchmark on PostgreSQL: `stats daily` for 90 days, `stats rebuild`, and
// `export training-samples` rows/s, over a history generated with set-based SQL (not the CLI).
//
//   node bench/stats.ts [TICKETS]        (default 1000000)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_stats node bench/stats.ts
//
// Targets: stats daily (90 days) < 300 ms, stats rebuild < 15 s, export >= 50,000 rows/s.
// The database is dropped and recreated (db init, reference data seeded) at the start.
import { fmt, log, recreateDatabase } from './support.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { resolveTarget } from '../src/db/target.ts';
import { dailyReport, addDays } from '../src/services/stats/report.ts';
import { dayIn } from '../src/services/stats/daily.ts';

const tickets = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(tickets) || tickets <= 0) throw new Error(`usage: node bench/stats.ts [TICKETS] (got ${process.argv[2]})`);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/helpdesk_bench_stats';
const bin = fileURLToPath(new URL('../bin/helpdesk', import.meta.url));

/** A year of tickets, predictions (some reviewed, some corrected) and as many training samples. */
async function generate(client: pg.Client): Promise<void> {
  await client.query(`set work_mem = '256MB'`);
  await client.query(`select setseed(0.42)`);
  await client.query(`
    insert into tickets (source, subject, body, language, category_id, priority, issue_type, status, department_id, operator_id, escalated,
                         content_hash, created_at, updated_at, first_response_at, resolved_at, closed_at, sla_due_at)
    select (array['email','chat','portal','phone'])[1 + (g % 4)]::ticket_source, 'Subject ' || g, 'Body of ticket ' || g,
           (array['ru','kk','en'])[1 + (g / 4) % 3]::language, c.ids[1 + (g % array_length(c.ids, 1))], pr::priority, 'simple',
           st::ticket_status, d.ids[1 + (g % array_length(d.ids, 1))], case when st in ('in_work','waiting','closed') then o.ids[1 + (g % array_length(o.ids, 1))] end,
           false, md5(g::text) || md5(g::text), created, created,
           case when st <> 'new' then created + r2 * interval '10 hours' end,
           case when st in ('auto_resolved','closed') then created + r3 * interval '100 hours' end,
           case when st = 'closed' then created + r3 * interval '100 hours' end,
           case when st <> 'new' then created + (case pr when 'critical' then 4 when 'high' then 8 when 'medium' then 24 else 72 end) * interval '1 hour' end
    from (
      select g, random() as r2, random() as r3, now() - random() * interval '365 days' as created,
             (array['low','medium','medium','high','critical'])[1 + floor(random() * 5)::int] as pr,
             case when r < 0.3 then 'auto_resolved' when r < 0.8 then 'closed' when r < 0.9 then 'in_work' when r < 0.97 then 'waiting' else 'new' end as st
      from (select g, random() as r from generate_series(1, ${tickets}) g) x
    ) t,
    (select array_agg(id order by name) as ids from categories) c,
    (select array_agg(id order by name) as ids from departments) d,
    (select array_agg(id order by email) as ids from operators) o`);
  await client.query(`
    insert into ai_predictions (ticket_id, category_id, department_id, confidence, scores, thresholds, decision, reason, review, corrected_department_id, reviewed_at, created_at)
    select t.id, t.category_id, t.department_id, 0.5 + random() / 2, '{}'::jsonb, '{}'::jsonb,
           (case when t.status = 'auto_resolved' then 'auto_resolved' else (array['escalated','routed','queued'])[1 + floor(random() * 3)::int] end)::decision,
           'generated', (case when r < 0.2 then 'confirmed' when r < 0.25 then 'corrected' else 'pending' end)::review_state,
           case when r >= 0.2 and r < 0.25 then (select id from departments order by name limit 1) end,
           case when r < 0.25 then t.created_at + interval '1 day' end, t.created_at + interval '1 second'
    from (select t.*, random() as r from tickets t where t.status <> 'new') t`);
  await client.query(`
    insert into training_samples (text, language, category, priority, department, label_source, content_hash, created_at)
    select 'Заявка ' || g || ': не работает VPN, пишите на user' || g || '@example.kz или звоните +7 701 ' || lpad((g % 10000000)::text, 7, '0') ||
           '. Ноутбук Lenovo, инв. ' || g,
           (array['ru','kk','en'])[1 + g % 3]::language, 'Network', 'medium', 'Infrastructure', (array['historic','human','ai_confirmed'])[1 + g % 3]::label_source,
           md5('s' || g) || md5('t' || g), now() - (g % 365) * interval '1 day'
    from generate_series(1, ${tickets}) g`);
  await client.query('vacuum analyze');
}

function cli(args: string[]): { seconds: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, '--database-url', url, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`helpdesk ${args.join(' ')} failed: ${run.stderr}`);
  return { seconds, stdout: run.stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  log(`recreating ${url.replace(/\/\/[^@]*@/, '//***@')} …`);
  await recreateDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let started = performance.now();
  await generate(client);
  const counts = (await client.query(`select (select count(*) from tickets)::int as t, (select count(*) from ai_predictions)::int as p, (select count(*) from training_samples)::int as s`)).rows[0];
  log(`generated ${fmt(counts.t)} tickets, ${fmt(counts.p)} predictions, ${fmt(counts.s)} training samples in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await client.end();

  // stats rebuild: the first run writes the table, the next ones replace it.
  const rebuilds = [0, 1, 2].map(() => JSON.parse(cli(['stats', 'rebuild', '--json']).stdout) as { seconds: number; written: number });
  log(`stats rebuild: ${rebuilds.map((r) => r.seconds.toFixed(2)).join(' / ')} s (in the command), ${fmt(rebuilds[0]!.written)} rows`);

  // stats daily, 90 days: the report itself in-process (median of 7), and the whole CLI run.
  const db = await openDatabase({ target: resolveTarget({ databaseUrl: url, env: {} }), command: 'bench', create: false });
  const to = dayIn('Asia/Almaty')(new Date());
  const from = addDays(to, -89);
  const timings: Record<string, number> = {};
  for (const by of [null, 'department', 'category'] as const) {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      started = performance.now();
      await dailyReport(db.em.fork(), { from, to, timeZone: 'Asia/Almaty', by });
      runs.push(performance.now() - started);
    }
    timings[by ?? 'overall'] = median(runs);
    log(`stats daily 90 days ${by ? `--by ${by}` : 'overall'}: ${median(runs).toFixed(0)} ms (report, median of 7)`);
  }
  await db.close();
  const wall = median([0, 1, 2].map(() => cli(['stats', 'daily', '--from', from, '--to', to, '--json']).seconds * 1000));
  log(`stats daily 90 days, whole CLI process (Node start, ORM, connect, report, exit): ${wall.toFixed(0)} ms`);

  // export training-samples to a file, redacted, CSV and JSON Lines.
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-export-'));
  const exports: Record<string, number> = {};
  for (const format of ['csv', 'jsonl']) {
    const run = cli(['export', 'training-samples', '--format', format, '--split', 'dev=0.2', '--out', join(dir, `samples.${format}`)]);
    exports[format] = counts.s / run.seconds;
    log(`export training-samples --format ${format}: ${fmt(counts.s)} rows in ${run.seconds.toFixed(1)} s = ${fmt(exports[format]!)} rows/s (whole CLI process)`);
  }
  const ticketsExport = cli(['export', 'tickets', '--out', join(dir, 'tickets.csv')]);
  log(`export tickets: ${fmt(counts.t)} rows in ${ticketsExport.seconds.toFixed(1)} s = ${fmt(counts.t / ticketsExport.seconds)} rows/s`);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ tickets: counts.t, rebuildSeconds: rebuilds.map((r) => r.seconds), dailyMs: timings, dailyCliMs: wall, exportRowsPerSecond: exports, exportTicketsRowsPerSecond: counts.t / ticketsExport.seconds }, null, 2) + '\n');
}

await main();
