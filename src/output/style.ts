import { Chalk, type ChalkInstance } from 'chalk';
import { colorEnabled, type Io, type OutputStream } from './io.ts';

export interface Style {
  readonly color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  ok(text: string): string;
  warn(text: string): string;
  error(text: string): string;
  accent(text: string): string;
}

export function createStyle(stream: OutputStream, env: Io['env']): Style {
  const color = colorEnabled(stream, env);
  const chalk: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  return {
    color,
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    ok: (t) => chalk.green(t),
    warn: (t) => chalk.yellow(t),
    error: (t) => chalk.red(t),
    accent: (t) => chalk.cyan(t),
  };
}
