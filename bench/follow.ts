// Followers benchmark: `helpdesk pipeline run --follow` processes against one PostgreSQL server,
// fed at a fixed rate, for 1, 2 and 4 followers.
//
//   node bench/follow.ts [RATE] [SECONDS] [FOLLOWERS...]     (default 500 tickets/s, 15 s, 1 2 4)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_follow node bench/follow.ts
//
// The database is dropped and recreated (reference data seeded), the fixture history imported
// and a model trained on it. Per round: FOLLOWERS followers are started (`--json`, one line per
// committed batch) and waited for until each one LISTENs; then for SECONDS a feeder starts, every
// second, one `helpdesk import tickets -` with RATE generated tickets on its standard input, and
// every other second one `helpdesk tickets create` (each command is its own process, as a mail
// gateway or portal would run it). When the feed ends and no ticket is left new, the followers
// get SIGTERM (they must exit 0).
//
// Latency, per ticket: from its commit to the commit of the batch that decided it. The decision
// time is when the follower printed its batch's line (right after the commit); the ticket's time
// is its created_at, the start of the importing transaction, which is before its commit: the
// figure is an upper bound (it includes the importer's own transaction). The other bound, "from
// reply": from when the feeding command printed its result, which it does after its commit (so
// that figure is at most the true one; it can be negative when a follower decided the tickets
// before the command got to print). Throughput: tickets
// decided per second from the first ticket's creation to the last decision. Checked: no ticket
// decided twice (one prediction each), none left new. Targets: median < 1 s and p99 < 2 s at
// 500 tickets/s with two followers.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LIVE_TICKETS_MAP, newTicketsCsv } from './generate-tickets.ts';
import { BIN, fmt, log, recreateDatabase } from './support.ts';

const rate = Number(process.argv[2] ?? 500);
const seconds = Number(process.argv[3] ?? 15);
const rounds = process.argv.length > 4 ? process.argv.slice(4).map(Number) : [1, 2, 4];
if (!(rate > 0) || !(seconds > 0) || rounds.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error('usage: node bench/follow.ts [RATE] [SECONDS] [FOLLOWERS...]');
}
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/helpdesk_bench_follow';
const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function helpdesk(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string; replied: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--database-url', url, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    // When the command printed its result: after its commit (it prints nothing on stdout before).
    let replied = Number.NaN;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (Number.isNaN(replied)) replied = Date.now();
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, replied }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

async function must(args: string[], input?: string): Promise<string> {
  return (await mustReply(args, input)).stdout;
}

async function mustReply(args: string[], input?: string): Promise<{ stdout: string; replied: number }> {
  const result = await helpdesk(args, input);
  if (result.code !== 0) throw new Error(`helpdesk ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result;
}

interface Follower {
  child: ChildProcess;
  /** ticket number -> when the batch deciding it was committed (ms since epoch) */
  decided: Map<string, number>;
  exited: Promise<number | null>;
}

function startFollower(): Follower {
  const child = spawn(process.execPath, [BIN, '--database-url', url, 'pipeline', 'run', '--follow', '--json', '--poll', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const decided = new Map<string, number>();
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const at = Date.now();
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as { tickets?: string[]; time: string };
      buffer = buffer.slice(nl + 1);
      // The line's own time is taken right after the commit; the arrival time only bounds it.
      for (const n of line.tickets ?? []) decided.set(n, Math.min(at, Date.parse(line.time)));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (!d.startsWith('following new tickets')) process.stderr.write(`  follower: ${d}`);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, decided, exited };
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  log(`recreating ${url.replace(/:[^:@/]*@/, ':***@')} ...`);
  await recreateDatabase(url);
  await must(['import', 'tickets', fixture('tickets/history.jsonl')]);
  await must(['model', 'train', '--activate']);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows: string[][] = [];
  for (const [round, count] of rounds.entries()) {
    log(`round ${round + 1}: ${count} follower(s), ${rate} tickets/s for ${seconds} s`);
    const listening = async () => Number((await client.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'helpdesk listener'`)).rows[0].n);
    const base = await listening();
    const followers = Array.from({ length: count }, startFollower);
    while ((await listening()) < base + count) await sleep(100);
    const maxBefore = Number((await client.query(`select coalesce(max(number), 0)::bigint as n from tickets`)).rows[0].n);

    const started = Date.now();
    const feeds: Promise<unknown>[] = [];
    // When each feeding command replied (after its commit): imports by external-id prefix,
    // created tickets by number.
    const repliedAt = new Map<string, number>();
    for (let s = 0; s < seconds; s++) {
      const due = started + s * 1000;
      await sleep(Math.max(0, due - Date.now()));
      const prefix = `r${round}-s${s}`;
      feeds.push(mustReply(['import', 'tickets', '-', '--map', LIVE_TICKETS_MAP], newTicketsCsv(prefix, rate, 1000 * round + s)).then((r) => repliedAt.set(prefix, r.replied)));
      if (s % 2 === 1) {
        feeds.push(mustReply(['tickets', 'create', '--body', `Принтер на ${s} этаже не печатает, просьба помочь`, '--source', 'portal']).then((r) => repliedAt.set(`#${/#(\d+)/.exec(r.stdout)?.[1]}`, r.replied)));
      }
    }
    await Promise.all(feeds);
    const fedFor = (Date.now() - started) / 1000;
    for (;;) {
      const left = Number((await client.query(`select count(*)::int as n from tickets where status = 'new'`)).rows[0].n);
      if (left === 0) break;
      if (Date.now() - started > (seconds + 180) * 1000) break;
      await sleep(200);
    }
    // CPU seconds the followers used (Linux /proc): what a ticket costs, whatever else runs.
    const cpu = followers.reduce((sum, f) => sum + cpuSeconds(f.child.pid!), 0);
    for (const f of followers) f.child.kill('SIGTERM');
    const codes = await Promise.all(followers.map((f) => f.exited));

    const tickets = (
      await client.query<{ number: string; created: Date; status: string; predictions: number; external_id: string | null }>(`
        select t.number::text as number, t.created_at as created, t.status::text as status, t.external_id,
               (select count(*)::int from ai_predictions p where p.ticket_id = t.id) as predictions
        from tickets t where t.number > $1`, [maxBefore])
    ).rows;
    const decidedAt = new Map<string, number>();
    let twiceInLines = 0;
    for (const f of followers) for (const [n, at] of f.decided) {
      if (decidedAt.has(n)) twiceInLines++;
      decidedAt.set(n, at);
    }
    const latencies = tickets.filter((t) => decidedAt.has(t.number)).map((t) => (decidedAt.get(t.number)! - new Date(t.created).getTime()) / 1000).sort((a, b) => a - b);
    // The other bound: from when the feeding command replied, which is after its commit.
    const replied = (t: { number: string; external_id: string | null }) => repliedAt.get(t.external_id ? t.external_id.replace(/-\d+$/, '') : `#${t.number}`);
    const fromReply = tickets.filter((t) => decidedAt.has(t.number) && replied(t) !== undefined).map((t) => (decidedAt.get(t.number)! - replied(t)!) / 1000).sort((a, b) => a - b);
    const first = Math.min(...tickets.map((t) => new Date(t.created).getTime()));
    const last = Math.max(...decidedAt.values());
    const twice = tickets.filter((t) => t.predictions > 1).length + twiceInLines;
    const left = tickets.filter((t) => t.status === 'new' || t.predictions === 0).length;
    const throughput = latencies.length / ((last - first) / 1000);
    const median = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    rows.push([
      String(count),
      fmt(tickets.length),
      fmt(tickets.length / fedFor),
      fmt(throughput),
      median.toFixed(2),
      p99.toFixed(2),
      (latencies.at(-1) ?? Number.NaN).toFixed(2),
      quantile(fromReply, 0.5).toFixed(2),
      quantile(fromReply, 0.99).toFixed(2),
      String(twice),
      String(left),
      codes.every((c) => c === 0) ? 'yes' : codes.join('/'),
      followers.map((f) => f.decided.size).join('/'),
      (cpu * 1000 / Math.max(1, latencies.length)).toFixed(2),
      loadavg()[0]!.toFixed(1),
    ]);
    log(`  ${tickets.length} tickets, median ${median.toFixed(2)} s, p99 ${p99.toFixed(2)} s, ${fmt(throughput)} tickets/s, decided twice ${twice}, left ${left}`);
  }
  await client.end();
  const header = ['followers', 'tickets', 'fed/s', 'decided/s', 'median s', 'p99 s', 'max s', 'median from reply s', 'p99 from reply s', 'twice', 'left', 'exit 0', 'per follower', 'follower CPU ms/ticket', 'load avg'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const two = rows.find((r) => r[0] === '2');
  if (two) {
    const ok = Number(two[4]) < 1 && Number(two[5]) < 2 && two[9] === '0' && two[10] === '0';
    console.log(`\ntarget (two followers, ${rate}/s): median < 1 s and p99 < 2 s, none twice, none left: ${ok ? 'met' : 'NOT met'}`);
  }
}

await main();
