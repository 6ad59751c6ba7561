// Import benchmark: `helpdesk import tickets` against `psql \copy` into a plain table, same
// generated file, same PostgreSQL server, same run.
//
//   node bench/import.ts [ROWS] [REBUILD]   (default 200000 auto; e.g. 1000000, or 200000 never)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench_import node bench/import.ts
//
// Prints rows/s for both, the ratio (target >= 0.5) and the import process's peak RSS
// (target < 300 MB at 1,000,000 rows). Needs psql on PATH. The database is dropped and
// recreated (with the reference data seeded) at the start.
import { fmt, log, recreateDatabase } from './support.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_HEADER, GENERATED_MAP, generateTicketsCsv } from './generate-tickets.ts';

const rows = Number(process.argv[2] ?? 200_000);
// --rebuild-indexes for the import: auto rebuilds here (a large import into a new database);
// never shows what growing the indexes row by row costs, as an import into a large table does.
const rebuild = process.argv[3] ?? 'auto';
if (!Number.isInteger(rows) || rows <= 0 || !['auto', 'always', 'never'].includes(rebuild)) {
  throw new Error(`usage: node bench/import.ts [ROWS] [auto|always|never] (got ${process.argv.slice(2).join(' ')})`);
}
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/helpdesk_bench_import';
const bin = fileURLToPath(new URL('../bin/helpdesk', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-import-'));
const csv = join(dir, 'tickets.csv');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

function psqlCopy(): number {
  const columns = GENERATED_HEADER.map((h) => `"${h.toLowerCase()}" text`).join(', ');
  const prepare = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `drop table if exists bench_plain; create table bench_plain (${columns})`], { encoding: 'utf8' });
  if (prepare.status !== 0) throw new Error(`psql failed: ${prepare.stderr || prepare.error}`);
  const started = performance.now();
  const copy = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy bench_plain from '${csv}' with (format csv, header true)`], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (copy.status !== 0) throw new Error(`psql \\copy failed: ${copy.stderr}`);
  spawnSync('psql', [url, '-qc', 'drop table bench_plain']);
  return seconds;
}

/** Runs the import, sampling the child's peak RSS (VmHWM) from /proc; /usr/bin/time -v when present. */
async function helpdeskImport(): Promise<{ seconds: number; peakRss: number; summary: Record<string, unknown> }> {
  const args = [bin, '--database-url', url, 'import', 'tickets', csv, '--map', GENERATED_MAP, '--rebuild-indexes', rebuild, '--json'];
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = useTime ? spawn('/usr/bin/time', ['-v', process.execPath, ...args]) : spawn(process.execPath, args);
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = useTime
    ? undefined
    : setInterval(() => {
        try {
          const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
        } catch {
          /* exited */
        }
      }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (timer) clearInterval(timer);
  if (code !== 0) throw new Error(`helpdesk import exited ${code}: ${stderr.slice(-2000)}`);
  const maxRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (maxRss) peak = Number(maxRss[1]) * 1024;
  return { seconds, peakRss: peak, summary: JSON.parse(stdout) as Record<string, unknown> };
}

try {
  log(`generating ${fmt(rows)} tickets ...`);
  await generateTicketsCsv(csv, rows);
  log(`  ${csv}: ${mb(statSync(csv).size)} MB`);
  log(`recreating ${url} ...`);
  await recreateDatabase(url);
  log('psql \\copy into a plain table ...');
  const copySeconds = psqlCopy();
  log('helpdesk import tickets ...');
  const result = await helpdeskImport();
  const summary = result.summary as { created: number; indexesRebuilt: boolean; rowsPerSecond: number; phases: { stagingSeconds: number; writingSeconds: number } };
  if (summary.created !== rows) throw new Error(`import created ${summary.created} tickets, expected ${rows}`);
  const copyRate = rows / copySeconds;
  const importRate = rows / result.seconds;
  const ratio = importRate / copyRate;
  const lines = [
    `rows                         ${fmt(rows)} (${mb(statSync(csv).size)} MB CSV)`,
    `psql \\copy (plain table)     ${copySeconds.toFixed(1)} s, ${fmt(copyRate)} rows/s`,
    `helpdesk import tickets      ${result.seconds.toFixed(1)} s, ${fmt(importRate)} rows/s (whole process; staging ${summary.phases.stagingSeconds.toFixed(1)} s, writing ${summary.phases.writingSeconds.toFixed(1)} s; indexes ${summary.indexesRebuilt ? 'rebuilt' : 'kept'})`,
    `ratio import / psql          ${ratio.toFixed(2)} (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
    `import peak RSS              ${mb(result.peakRss)} MB (target < 300 MB at 1,000,000 rows: ${result.peakRss < 300 * 1024 * 1024 ? 'met' : 'NOT met'})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
