import { UsageError } from '../../errors.ts';
import { renderJson } from '../../output/render.ts';
import { loadPreset, presetNames } from '../../services/import/presets.ts';
import { parseFormat, print, printRows, type CommandContext } from '../context.ts';

export interface ImportPresetsOptions {
  json?: boolean;
}

/** `import presets` lists the presets; `import presets show NAME` prints one as JSON (for --preset-file). */
export async function importPresetsCommand(ctx: CommandContext, verb: string | undefined, name: string | undefined, options: ImportPresetsOptions): Promise<void> {
  if (verb === undefined) {
    const presets = presetNames().map((n) => loadPreset(n));
    printRows(
      ctx,
      parseFormat(undefined, options.json),
      [
        { header: 'name', value: (p) => p.name },
        { header: 'system', value: (p) => p.title },
        { header: 'date order', value: (p) => p.dateOrder ?? 'from the file' },
        { header: 'columns read', value: (p) => Object.values(p.columns).map((c) => c[0]).join(', ') },
      ],
      presets,
      presets.map((p) => ({ name: p.name, title: p.title, description: p.description, dateOrder: p.dateOrder ?? null })),
    );
    return;
  }
  if (verb !== 'show') throw new UsageError(`import presets: expected "show NAME" or nothing (got "${verb}")`);
  if (name === undefined) throw new UsageError(`import presets show: name a preset (${presetNames().join(', ')})`);
  print(ctx, renderJson(loadPreset(name)));
}
