/**
 * How fast a command answers, against references measured in the same run:
 *   - `node -e 0` (Node's own start-up) for `helpdesk --help`;
 *   - `psql -c 'select 1'` for commands on the PostgreSQL server;
 *   - a bare PGlite open + `select 1` + close on the same data directory for the embedded database.
 * Each command runs ROUNDS times (default 7), interleaved with its reference; the median wall time
 * and the largest peak RSS (/usr/bin/time) are reported. With --train it also imports the 38,331
 * shared IT tickets and times `model train` once per backend (needs ../shared; minutes).
 *
 *   node bench/startup.ts [--rounds N] [--train] [--database-url URL]
 *
 * It builds the bundle first, then runs bin/helpdesk as an installed `helpdesk` would (the bundle
 * in dist/). `npx helpdesk` adds npm's own start-up (about 150-300 ms) on top.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, log, recreateDatabase, SHARED_DIR } from './support.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const ROUNDS = Number(flag('--rounds') ?? 7);
const TRAIN = args.includes('--train');
const PG_URL = flag('--database-url') ?? 'postgres://postgres@127.0.0.1:5432/helpdesk_bench_startup';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IT_TICKETS = join(SHARED_DIR, 'data', 'it-tickets', 'tickets.csv');
const TIME = '/usr/bin/time';

const work = mkdtempSync(join(tmpdir(), 'helpdesk-bench-startup-'));
const dataDir = join(work, 'data');

interface Sample {
  ms: number;
  rssMb: number;
  /** User + system CPU time: what the command costs, less sensitive than wall time to a busy machine. */
  cpuMs: number;
}

/** Runs a command once: wall time in ms and peak RSS in MB (from GNU time's %M). */
function measure(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Sample {
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%M %U %S', command, ...argv], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const [kb, user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms, rssMb: kb! / 1024, cpuMs: (user! + system!) * 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Runs each of the commands ROUNDS times, interleaved, so load changes hit them alike. */
function interleave(commands: Record<string, () => Sample>): Record<string, Sample> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const [name, run] of Object.entries(commands)) run(); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(commands)) samples[name]!.push(run());
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { ms: median(v.map((s) => s.ms)), rssMb: Math.max(...v.map((s) => s.rssMb)), cpuMs: median(v.map((s) => s.cpuMs)) }]));
}

const helpdesk = (...argv: string[]) => (): Sample => measure(process.execPath, [BIN, ...argv]);
const ok = (met: boolean): string => (met ? 'met' : 'NOT met');
const rows: string[][] = [];
const row = (what: string, m: Sample, reference: string, target: string, met: string): void => {
  rows.push([what, `${Math.round(m.ms)} ms`, `${Math.round(m.cpuMs)} ms`, `${Math.round(m.rssMb)} MB`, reference, target, met]);
};
const ref = (name: string, m: Sample): string => `${name}: ${Math.round(m.ms)} ms (CPU ${Math.round(m.cpuMs)} ms)`;

function setUp(target: string[]): void {
  const init = spawnSync(process.execPath, [BIN, ...target, 'db', 'init'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`db init failed: ${init.stderr}`);
  const create = spawnSync(process.execPath, [BIN, ...target, 'tickets', 'create', '--body', 'Printer on the third floor does not print', '--email', 'bench@example.com'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`tickets create failed: ${create.stderr}`);
}

try {
  // Measure the bundle an installed helpdesk runs: built now, so that an edited source (which
  // makes bin/helpdesk fall back to the sources) cannot slip into the figures.
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`);
  log(`node ${process.version}, ${ROUNDS} rounds, bundle built now (${existsSync(join(ROOT, 'dist', 'main.js')) ? 'dist/main.js' : 'missing'})`);

  // 1. --help against node -e 0.
  const help = interleave({ node: () => measure(process.execPath, ['-e', '0']), help: helpdesk('--help') });
  row('helpdesk --help', help.help!, ref('node -e 0', help.node!), '<= +40 ms', ok(help.help!.ms - help.node!.ms <= 40));

  // 2. The embedded database against a bare PGlite open of the same directory.
  setUp(['--data-dir', dataDir]);
  const bare = join(work, 'bare-pglite.mjs');
  const pglite = join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'dist', 'index.js');
  writeFileSync(bare, `const { PGlite } = await import(${JSON.stringify(pglite)});\nconst db = new PGlite(${JSON.stringify(join(dataDir, 'pgdata'))});\nawait db.query('select 1');\nawait db.close();\n`);
  const embedded = interleave({
    bare: () => measure(process.execPath, [bare]),
    list: helpdesk('--data-dir', dataDir, 'departments', 'list'),
    show: helpdesk('--data-dir', dataDir, 'tickets', 'show', '1'),
  });
  const b = embedded.bare!;
  for (const [key, what] of [['list', 'departments list (embedded)'], ['show', 'tickets show 1 (embedded)']] as const) {
    const m = embedded[key]!;
    row(what, m, `${ref('bare PGlite open', b)}, ${Math.round(b.rssMb)} MB`, '<= +250 ms, <= +40 MB', ok(m.ms - b.ms <= 250 && m.rssMb - b.rssMb <= 40));
  }

  // 3. The PostgreSQL server against psql.
  let pgReady = true;
  try {
    await recreateDatabase(PG_URL);
  } catch (error) {
    pgReady = false;
    log(`PostgreSQL skipped: ${(error as Error).message.split('\n')[0]}`);
  }
  if (pgReady) {
    const url = ['--database-url', PG_URL];
    setUp(url);
    const server = interleave({
      psql: () => measure('psql', ['-X', '-q', '-d', PG_URL, '-c', 'select 1']),
      list: helpdesk(...url, 'departments', 'list'),
      show: helpdesk(...url, 'tickets', 'show', '1'),
    });
    for (const [key, what] of [['list', 'departments list (PostgreSQL)'], ['show', 'tickets show 1 (PostgreSQL)']] as const) {
      const m = server[key]!;
      row(what, m, ref(`psql -c 'select 1'`, server.psql!), '<= 200 ms', ok(m.ms <= 200));
    }
  }

  // 4. model train on the shared IT tickets (optional; h16 owns the training code and its target).
  if (TRAIN) {
    if (!existsSync(IT_TICKETS)) log(`model train skipped: ${IT_TICKETS} is absent`);
    else {
      const targets: [string, string[]][] = [['embedded', ['--data-dir', join(work, 'train')]]];
      if (pgReady) targets.push(['PostgreSQL', ['--database-url', PG_URL.replace(/[^/]+$/, 'helpdesk_bench_startup_train')]]);
      for (const [name, target] of targets) {
        if (name === 'PostgreSQL') await recreateDatabase(target[1]!);
        else setUp(target);
        const load = spawnSync(process.execPath, [BIN, ...target, 'import', 'tickets', IT_TICKETS, '--map', 'body=Document,category=Topic_group', '--create-missing'], { encoding: 'utf8' });
        if (load.status !== 0) throw new Error(`import failed: ${load.stderr}`);
        const train = measure(process.execPath, [BIN, ...target, 'model', 'train']);
        row(`model train, 38,331 tickets (${name})`, train, '', '<= 600 MB', ok(train.rssMb <= 600));
      }
    }
  }

  log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  const header = ['command', 'median', 'CPU', 'peak RSS', 'reference (same run)', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
} finally {
  rmSync(work, { recursive: true, force: true });
}
