import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../errors.ts';
import { renderJson } from '../../output/render.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { refsFromText, type WrittenRef } from '../../services/tickets/references.ts';
import { confirmTickets, type ConfirmOutcome } from '../../services/tickets/review.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export interface ConfirmFlags {
  fromFile?: string;
  json?: boolean;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** The references of the arguments, then those of the file (one per line; "-" is standard input). */
async function references(ctx: CommandContext, args: string[], file: string | undefined): Promise<WrittenRef[]> {
  const refs: WrittenRef[] = args.map((text) => ({ text, where: '' }));
  if (file !== undefined) {
    let text: string;
    try {
      text = file === '-' ? await readAll(ctx.io.stdin) : await readFile(resolve(ctx.io.cwd, file), 'utf8');
    } catch (error) {
      throw new InputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    refs.push(...refsFromText(text, file === '-' ? 'stdin' : file));
  }
  return refs;
}

export function describeConfirmation(o: ConfirmOutcome, ok: (s: string) => string): string {
  if (o.outcome === 'already_confirmed') return `ticket #${o.number}: already confirmed, nothing changed`;
  const what = [o.decision, o.category && `category ${o.category} ${(o.confidence * 100).toFixed(0)}%`, o.department && `department ${o.department}`].filter(Boolean).join(', ');
  let line = `${ok('✓')} ticket #${o.number}: AI prediction confirmed (${what})`;
  if (o.moved) line += `; moved from triage to ${o.moved.department}: ${o.moved.reason}`;
  return line;
}

export async function ticketsConfirm(ctx: CommandContext, args: string[], flags: ConfirmFlags): Promise<void> {
  const refs = await references(ctx, args, flags.fromFile);
  // Daily statistics follow the confirmations, on days of the database's statistics time zone.
  const outcomes = await withDatabase(ctx, (db) => confirmTickets(db.em, refs, statsTimeZone(db, configZone(ctx, undefined))));
  if (flags.json) {
    print(ctx, renderJson(outcomes));
    return;
  }
  const lines = outcomes.map((o) => describeConfirmation(o, ctx.out.ok));
  if (outcomes.length > 1) {
    const done = outcomes.filter((o) => o.outcome === 'confirmed').length;
    lines.push(`${done} confirmed, ${outcomes.length - done} already confirmed`);
  }
  print(ctx, lines.join('\n') + '\n');
}
