import type { Io } from './io.ts';

/**
 * The pager for output longer than the terminal, as git and gh do: `$HELPDESK_PAGER`, else
 * `$PAGER`, else `less -FRX` (quits at once when the text fits, keeps colour, leaves the text on
 * the screen). None when stdout is not a terminal, with `--no-pager`, when the text fits the
 * terminal's height, or when the pager is set to "" or `cat`.
 */
export function pagerFor(io: Io, text: string, enabled: boolean): string | undefined {
  if (!enabled || io.stdout.isTTY !== true) return undefined;
  const command = (io.env.HELPDESK_PAGER ?? io.env.PAGER ?? 'less -FRX').trim();
  if (command === '' || command === 'cat') return undefined;
  const rows = io.stdout.rows ?? 24;
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines >= rows ? command : undefined;
}

/**
 * Shows `text` through the pager when `pagerFor` names one, else writes it to stdout. The
 * command has finished its work by then, so waiting for the pager blocks nothing. A pager that
 * cannot start (not installed) falls back to plain output.
 */
export function page(io: Io, text: string, enabled: boolean): void {
  const command = pagerFor(io, text, enabled);
  if (command !== undefined) {
    const env = { ...io.env, LESS: io.env.LESS ?? 'FRX', LV: io.env.LV ?? '-c' };
    // Loaded here, on a terminal with long output only: node:child_process (and net, dgram it
    // loads) cost every command's start-up a few ms.
    const { spawnSync } = process.getBuiltinModule('node:child_process');
    const result = spawnSync('/bin/sh', ['-c', command], { input: text, stdio: ['pipe', 'inherit', 'inherit'], env, cwd: io.cwd });
    if (result.error === undefined && result.status !== 127 && result.status !== 126) return;
  }
  io.stdout.write(text);
}
