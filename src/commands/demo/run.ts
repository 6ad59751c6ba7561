import { plural } from '../../output/plural.ts';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPgliteDatabase } from '../../db/database.ts';
import { defaultDataDir, resolveTarget, type DatabaseTarget } from '../../db/target.ts';
import { renderJson, renderRecord } from '../../output/render.ts';
import { confirmDestructive } from '../../prompts/prompter.ts';
import { runDemo, type DemoResult } from '../../services/demo.ts';
import { describeRun } from '../pipeline/run.ts';
import { DAILY_COLUMNS } from '../stats/daily.ts';
import { renderTable } from '../../output/render.ts';
import { isTerminal, note, print, tableOptions, type CommandContext } from '../context.ts';

const MARKER = 'helpdesk-demo.json';

/** The demo's own directory beside the default database, so it never touches real data. */
export function defaultDemoDir(env: Record<string, string | undefined>): string {
  return join(dirname(defaultDataDir({ ...env, HELPDESK_DATA_DIR: undefined })), 'helpdesk-demo');
}

export async function demoRun(ctx: CommandContext, flags: { yes?: boolean; json?: boolean }): Promise<void> {
  // DATABASE_URL and HELPDESK_DATA_DIR in the environment usually point at real data: the demo
  // only goes there when told so with a flag, and then asks first.
  const target: DatabaseTarget = ctx.globals.databaseUrl
    ? resolveTarget({ databaseUrl: ctx.globals.databaseUrl, env: {} })
    : resolveTarget({ dataDir: ctx.globals.dataDir ?? defaultDemoDir(ctx.io.env), env: {} });
  if (target.kind === 'postgresql') {
    const go = await confirmDestructive(ctx.prompter, flags.yes, `The demo replaces ALL data in ${target.displayUrl}. Continue?`);
    if (!go) return note(ctx, 'nothing changed');
  } else if (isPgliteDatabase(target.dataDir) && !existsSync(join(target.dataDir, MARKER))) {
    const go = await confirmDestructive(ctx.prompter, flags.yes, `${target.dataDir} holds a helpdesk database that is not a demo; the demo replaces ALL its data. Continue?`);
    if (!go) return note(ctx, 'nothing changed');
  }
  const db = await ctx.openDatabase({ target, command: ctx.commandLine, create: true });
  let result: DemoResult;
  try {
    if (target.kind === 'pglite') writeFileSync(join(target.dataDir, MARKER), JSON.stringify({ createdBy: 'helpdesk demo' }) + '\n');
    result = await runDemo(db, (step) => note(ctx, ctx.err.dim(`· ${step}`)));
  } finally {
    await db.close();
  }
  if (flags.json) {
    print(ctx, renderJson(result));
    return;
  }
  print(ctx, describeDemo(ctx, result, target));
}

function describeDemo(ctx: CommandContext, result: DemoResult, target: DatabaseTarget): string {
  const tty = isTerminal(ctx);
  const style = { ...tableOptions(ctx), tty };
  const h = (title: string): string => `\n${ctx.out.bold(title)}\n`;
  let out = renderRecord(
    [
      ['database', `${result.location} (${target.kind})${result.startedClean ? ', started clean' : ''}`],
      ['history', `${result.history.itTickets} IT tickets (sample of the shared set) + ${result.history.fixtureTickets} ru/kk/en tickets`],
      ['model', `v${result.model.version} on ${plural(result.model.samples, 'sample')} in ${result.model.seconds.toFixed(1)} s, category macro-F1 ${result.model.categoryMacroF1?.toFixed(3) ?? 'n/a'} (holdout)`],
      ['fresh tickets', result.incoming],
    ],
    style,
  );
  out += h('Decisions per language');
  out += describeRun(ctx, result.pipeline);
  out += h('Why: one example per decision');
  for (const example of result.examples) {
    const p = example.prediction;
    if (!p) continue;
    out += `#${example.ticket.number} [${example.ticket.language ?? '?'}] ${example.ticket.subject}\n`;
    const where = [example.ticket.department, example.ticket.operator].filter(Boolean).join(', ');
    out += `  → ${p.decision}${where ? ` (${where})` : ''}\n    because ${p.reason}\n`;
  }
  out += h(`Daily statistics ${result.daily.from} … ${result.daily.to}`);
  out += renderTable(DAILY_COLUMNS, [...result.daily.rows, result.daily.total], style);
  // Commands that work as printed from the project directory: after `npm ci`, `helpdesk` is
  // not on PATH, `npx helpdesk` is. A URL with a password is shown masked, so it is named by
  // the variable instead.
  const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);
  const where =
    target.kind === 'pglite' ? `--data-dir ${shellWord(target.dataDir)}` : target.displayUrl.includes('***') ? '--database-url "$DATABASE_URL"' : `--database-url ${shellWord(target.url)}`;
  const hint = (command: string): string => `  npx helpdesk ${where} ${command}\n`;
  out += `\nDone in ${result.seconds.toFixed(1)} s. Look around:\n`;
  out += hint('tickets list');
  out += hint(`pipeline explain ${result.examples[0]?.ticket.number ?? 1}`);
  out += hint('stats daily');
  out += `Run \`npx helpdesk demo\` again to start over from a clean database.\n`;
  return out;
}
