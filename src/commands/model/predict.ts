import { HEADS } from '../../services/classification/derive.ts';
import { predictText, type PredictResult } from '../../services/model/predict.ts';
import { renderJson } from '../../output/render.ts';
import { requireValue } from '../../prompts/prompter.ts';
import { UsageError } from '../../errors.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';
import { record, table } from './format.ts';

async function readStdin(ctx: CommandContext): Promise<string> {
  const chunks: string[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  return chunks.join('');
}

export async function modelPredict(ctx: CommandContext, options: { text?: string; model?: string; json?: boolean }): Promise<void> {
  let text = options.text;
  if (text === undefined) {
    text = ctx.io.stdin.isTTY ? await requireValue(ctx.prompter, undefined, '--text', 'Ticket text') : await readStdin(ctx);
  }
  if (!text.trim()) throw new UsageError('no text to classify: give --text "..." or pipe the text on stdin');
  const input = text;
  const result = await withDatabase(ctx, (db) => predictText(db.em, input, options.model ? { modelRef: options.model } : {}));
  if (options.json) {
    print(ctx, renderJson(result));
    return;
  }
  print(ctx, describe(ctx, result));
}

const pct = (p: number): string => p.toFixed(3);

function describe(ctx: CommandContext, r: PredictResult): string {
  const summary = record(ctx, [
    ['model', `${r.model.name} v${r.model.version}`],
    ['language', r.language.confidence === 0 ? `${r.language.value} (undetermined)` : `${r.language.value} (${pct(r.language.confidence)})`],
  ]);
  const heads = HEADS.filter((h) => r.heads[h]);
  const top = table(
    ctx,
    [
      { header: 'head', value: (h: (typeof heads)[number]) => h },
      ...[0, 1, 2].map((i) => ({
        header: ['1st', '2nd', '3rd'][i]!,
        value: (h: (typeof heads)[number]) => {
          const t = r.heads[h]!.top[i];
          return t ? `${t.label} ${pct(t.p)}` : '';
        },
      })),
    ],
    heads,
  );
  const derived = table(
    ctx,
    [
      { header: 'derived', value: (k: 'priority' | 'issue_type') => k },
      { header: 'value', value: (k) => r.derived[k].value },
      { header: 'source', value: (k) => r.derived[k].source },
      { header: 'why', value: (k) => r.derived[k].detail },
    ],
    ['priority', 'issue_type'],
  );
  return summary + '\n' + top + '\n' + derived;
}
