import { plural } from '../../output/plural.ts';
import { UsageError } from '../../errors.ts';
import { DECISIONS } from '../../entities/enums.ts';
import { renderJson, renderTable } from '../../output/render.ts';
import { progressBar, ratePerSecond } from '../../output/progress.ts';
import { ticketClassifier } from '../../services/model/classify.ts';
import { loadActiveModel } from '../../services/model/registry.ts';
import { resolvePipelineConfig, type ConfigFlags } from '../../services/pipeline/settings.ts';
import { runPipeline, type PipelineSummary } from '../../services/pipeline/run.ts';
import { statsTimeZone } from '../calendar.ts';
import { databaseTarget, isTerminal, note, print, requirePrivilege, withDatabase, tableOptions, type CommandContext } from '../context.ts';

/** Tickets per batch (one transaction each) without --batch: `pipeline run`, and with --follow. */
export const RUN_BATCH = 500;
export const FOLLOW_BATCH = 100;

export interface RunFlags extends ConfigFlags {
  batch?: string;
  limit?: string;
  dryRun?: boolean;
  json?: boolean;
  follow?: boolean;
  poll?: string;
  slaEvery?: string;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${value}")`);
  return n;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds (got "${value}")`);
  return n;
}

export async function pipelineRun(ctx: CommandContext, flags: RunFlags): Promise<void> {
  // A follower's default batch is smaller: tickets arrive in lumps (an import is one commit), and
  // a batch is claimed whole by one follower, so with 500 one follower took a lump of 500 while
  // the others had nothing to claim; 100 lets two followers classify at once (bench/follow.ts).
  const batchSize = positiveInteger(flags.batch, '--batch') ?? (flags.follow ? FOLLOW_BATCH : RUN_BATCH);
  const limit = positiveInteger(flags.limit, '--limit');
  const config = resolvePipelineConfig(flags, ctx.io.env);
  if (flags.follow) {
    if (flags.dryRun) throw new UsageError('--follow and --dry-run cannot be combined: a follower writes its decisions');
    if (limit !== undefined) throw new UsageError('--follow and --limit cannot be combined: a follower runs until it is stopped');
    const { followPipeline } = await import('./follow.ts');
    const embedded = databaseTarget(ctx).kind === 'pglite';
    await followPipeline(ctx, {
      batchSize,
      config,
      pollSeconds: positiveNumber(flags.poll, '--poll') ?? (embedded ? 2 : 10),
      slaSeconds: positiveNumber(flags.slaEvery, '--sla-every') ?? 30,
      json: flags.json ?? false,
    });
    return;
  }
  const summary = await withDatabase(ctx, async (db) => {
    await requirePrivilege(ctx, db, 'ai_predictions', 'insert');
    const classifier = ticketClassifier(await loadActiveModel(db.em), config.thresholds.headQuality);
    const progress = progressBar(ctx.io.stderr);
    const started = performance.now();
    try {
      return await runPipeline(db.em, classifier, {
        batchSize,
        limit,
        dryRun: flags.dryRun ?? false,
        config,
        statsTimeZone: statsTimeZone(db, { zone: config.timeZone, where: `${flags.config ?? ctx.io.env.HELPDESK_CONFIG}: timeZone` }),
        onProgress: (n) => progress.update(n, `${flags.dryRun ? 'decided (dry run)' : 'processed'} ${plural(n, 'ticket')}, ${ratePerSecond(n, started)}/s`),
      });
    } finally {
      progress.clear();
    }
  });
  if (flags.json) {
    print(ctx, renderJson(summary));
    return;
  }
  print(ctx, describeRun(ctx, summary));
  if (summary.processed === 0) note(ctx, 'no new tickets to process');
}

export function describeRun(ctx: CommandContext, summary: PipelineSummary): string {
  const tty = isTerminal(ctx);
  let out = '';
  if (summary.dryRun && summary.tickets.length > 0) {
    out += renderTable(
      [
        { header: 'ticket', value: (t) => `#${t.number}` },
        { header: 'lang', value: (t) => t.language ?? '' },
        { header: 'decision', value: (t) => t.decision },
        { header: 'category', value: (t) => t.category ?? '' },
        { header: 'conf', value: (t) => t.confidence.toFixed(2), align: 'right' },
        { header: 'priority', value: (t) => t.priority },
        { header: 'department', value: (t) => t.department ?? '' },
        { header: 'operator', value: (t) => t.operator ?? '' },
      ],
      summary.tickets,
      { ...tableOptions(ctx), tty },
    );
    out += '\n';
  }
  const languages = Object.keys(summary.byLanguage).filter((l) => DECISIONS.some((d) => summary.byLanguage[l]![d] > 0));
  const rows = [...languages.map((l) => ({ label: l, counts: summary.byLanguage[l]! })), { label: 'total', counts: summary.decisions }];
  out += renderTable(
    [{ header: 'language', value: (r: (typeof rows)[number]) => r.label }, ...DECISIONS.map((d) => ({ header: d, value: (r: (typeof rows)[number]) => r.counts[d], align: 'right' as const }))],
    rows,
    { ...tableOptions(ctx), tty },
  );
  out += `${summary.dryRun ? 'dry run: nothing written; ' : ''}${plural(summary.processed, 'ticket')} in ${plural(summary.batches, 'batch', 'batches')}, ${summary.seconds.toFixed(2)} s, ${Math.round(summary.ticketsPerSecond)} tickets/s (model ${summary.model})\n`;
  return out;
}
