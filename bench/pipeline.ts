// Pipeline benchmark: `helpdesk pipeline run` on PostgreSQL, one process, then two at once.
//
//   node bench/pipeline.ts [TICKETS] [BATCH]        (default 60000 tickets, the CLI's batch size)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_pipeline node bench/pipeline.ts
//
// The database is dropped and recreated (reference data seeded), the labelled IT sample and the
// fixture history are imported and a model trained and activated, then TICKETS generated tickets
// are imported as new ones. Timed end to end (process start to exit, model loading included):
// one `pipeline run`; then, after putting the same tickets back to new, two `pipeline run`
// processes started together. Prints tickets/s for both and their ratio (targets: >= 2,000
// tickets/s for one process, ratio >= 1.6). On a shared machine the ratio depends on the cores
// left free, so CPU time is measured too: of the pipeline processes (/usr/bin/time), of their
// PostgreSQL backends (/proc, Linux), and how busy the whole machine was meanwhile.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateTicketsCsv } from './generate-tickets.ts';
import { NEW_TICKETS_MAP, undoPipeline } from './pipeline-data.ts';

// 60,000 by default: each process's fixed start-up (about 0.6 s) would dominate a smaller run.
const tickets = Number(process.argv[2] ?? 60_000);
const batch = process.argv[3];
if (!Number.isInteger(tickets) || tickets <= 0) throw new Error(`usage: node bench/pipeline.ts [TICKETS] [BATCH] (got ${process.argv[2]})`);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/helpdesk_bench_pipeline';
const bin = fileURLToPath(new URL('../bin/helpdesk', import.meta.url));
const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-pipeline-'));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const databaseName = decodeURIComponent(new URL(url).pathname.slice(1));

function log(text: string): void {
  process.stderr.write(text + '\n');
}

function helpdesk(args: string[]): string {
  const result = spawnSync(process.execPath, [bin, '--database-url', url, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`helpdesk ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

interface Summary {
  processed: number;
  batches: number;
  seconds: number;
  ticketsPerSecond: number;
  decisions: Record<string, number>;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const TICK = 100; // USER_HZ: /proc/*/stat times are in 1/100 s on Linux

interface Run {
  summary: Summary;
  /** User + system CPU seconds of the pipeline process (null without /usr/bin/time). */
  cpu: number | null;
}

function pipelineRun(): Promise<Run> {
  const args = [bin, '--database-url', url, 'pipeline', 'run', '--json', ...(batch ? ['--batch', batch] : [])];
  return new Promise((resolve, reject) => {
    const child = TIME ? spawn(TIME, ['-f', 'cpu %U %S', process.execPath, ...args]) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pipeline run failed (${code}): ${stderr}`));
      const times = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      resolve({ summary: JSON.parse(stdout) as Summary, cpu: times ? Number(times[1]) + Number(times[2]) : null });
    });
  });
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } | null {
  if (!existsSync('/proc/stat')) return null;
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds used so far by each PostgreSQL backend connected to the bench database. */
function backendTicks(into: Map<number, number>): void {
  if (!existsSync('/proc')) return;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.startsWith('postgres: ') || !cmdline.includes(` ${databaseName} `)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      into.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / TICK);
    } catch {
      // The process ended meanwhile.
    }
  }
}

interface Timed {
  seconds: number;
  runs: Run[];
  /** CPU seconds of the PostgreSQL backends of the bench database (null when not measurable). */
  backendCpu: number | null;
  /** Average busy cores of the whole machine during the run, ours and everybody else's. */
  machineBusy: number | null;
}

async function timed(processes: number): Promise<Timed> {
  const backends = new Map<number, number>();
  // Backends that exist already (the bench's own connection) count from here on.
  const base = new Map<number, number>();
  backendTicks(base);
  const before = machineTicks();
  const sampler = setInterval(() => backendTicks(backends), 50);
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: processes }, () => pipelineRun()));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = machineTicks();
  const machineBusy = before && after ? ((after.busy - before.busy) / (after.total - before.total)) * cpus().length : null;
  return { seconds, runs, backendCpu: existsSync('/proc') ? [...backends].reduce((a, [pid, cpu]) => a + cpu - (base.get(pid) ?? 0), 0) : null, machineBusy };
}

function cpuLine(label: string, t: Timed): string {
  const node = t.runs.every((r) => r.cpu !== null) ? t.runs.reduce((a, r) => a + r.cpu!, 0) : null;
  const parts = [
    node !== null ? `pipeline process(es) ${node.toFixed(1)} s` : null,
    t.backendCpu !== null ? `PostgreSQL backends ${t.backendCpu.toFixed(1)} s` : null,
    node !== null && t.backendCpu !== null ? `= ${(((node + t.backendCpu) / tickets) * 1000).toFixed(2)} CPU-s per 1,000 tickets` : null,
    t.machineBusy !== null ? `machine ${t.machineBusy.toFixed(2)} of ${cpus().length} cores busy` : null,
  ].filter(Boolean);
  return `${label} CPU: ${parts.join(', ')}`;
}

async function sqlClient(database: string): Promise<pg.Client> {
  const target = new URL(url);
  target.pathname = '/' + database;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  return client;
}

async function main(): Promise<void> {
  const name = databaseName;
  const admin = await sqlClient('postgres');
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
  helpdesk(['db', 'init']);

  let started = performance.now();
  helpdesk(['import', 'tickets', fixture('it-tickets/sample.csv'), '--map', 'body=Document,category=Topic_group', '--status', 'closed', '--create-missing']);
  helpdesk(['import', 'tickets', fixture('tickets/history.jsonl')]);
  helpdesk(['model', 'train', '--activate', '--no-tune']);
  log(`history imported and model trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const csv = join(dir, 'new.csv');
  await generateTicketsCsv(csv, tickets, 2026);
  started = performance.now();
  helpdesk(['import', 'tickets', csv, '--map', NEW_TICKETS_MAP]);
  log(`${fmt(tickets)} new tickets imported in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const db = await sqlClient(name);
  await db.query('vacuum analyze');
  const one = await timed(1);
  const summary = one.runs[0]!.summary;
  if (summary!.processed !== tickets) throw new Error(`one process decided ${summary!.processed} of ${tickets}`);
  log(`one process: ${one.seconds.toFixed(2)} s (${summary!.seconds.toFixed(2)} s in the run, ${summary!.batches} batches), ${JSON.stringify(summary!.decisions)}`);

  await undoPipeline(db);
  helpdesk(['stats', 'rebuild']);
  await db.query('vacuum analyze');
  const fresh = (await db.query<{ n: number }>(`select count(*)::int as n from tickets where status = 'new'`)).rows[0]!.n;
  if (fresh !== tickets) throw new Error(`after the reset ${fresh} new tickets, expected ${tickets}`);
  const two = await timed(2);
  const summaries = two.runs.map((r) => r.summary);
  const processed = summaries.map((s) => s.processed);
  if (processed[0]! + processed[1]! !== tickets) throw new Error(`two processes decided ${processed.join(' + ')} of ${tickets}`);
  const decidedTwice = (await db.query<{ n: number }>('select count(*)::int as n from (select ticket_id from ai_predictions group by 1 having count(*) > 1) x')).rows[0]!.n;
  if (decidedTwice !== 0) throw new Error(`${decidedTwice} tickets decided twice`);
  log(`two processes: ${two.seconds.toFixed(2)} s, split ${processed.map(fmt).join(' / ')}, in-run ${summaries.map((s) => s.seconds.toFixed(2) + ' s').join(' / ')}`);
  await db.end();

  const oneRate = tickets / one.seconds;
  const twoRate = tickets / two.seconds;
  console.log(`tickets: ${fmt(tickets)}, batch ${batch ?? 'default'}, PostgreSQL ${url.replace(/\/\/[^@]*@/, '//')}`);
  console.log(`one process:   ${fmt(oneRate)} tickets/s end to end (${fmt(summary!.ticketsPerSecond)} tickets/s in the run)   target >= 2,000`);
  console.log(`two processes: ${fmt(twoRate)} tickets/s end to end`);
  console.log(`ratio:         ${(twoRate / oneRate).toFixed(2)}   target >= 1.6`);
  console.log(cpuLine('one process  ', one));
  console.log(cpuLine('two processes', two));
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
