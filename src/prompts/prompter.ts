import { UsageError } from '../errors.ts';

export interface Choice<T> {
  name: string;
  value: T;
}

/** The few questions commands ask. Only on a terminal; scripts pass flags instead. */
export interface Prompter {
  readonly interactive: boolean;
  input(message: string, options?: { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  select<T>(message: string, choices: Choice<T>[]): Promise<T>;
  checkbox<T>(message: string, choices: (Choice<T> & { checked?: boolean })[]): Promise<T[]>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

/** Inquirer on a terminal. Loaded on first use so that scripts never pay for it. */
export function inquirerPrompter(): Prompter {
  const load = () => import('@inquirer/prompts');
  return {
    interactive: true,
    async input(message, options) {
      const { input } = await load();
      return input({ message, default: options?.default, validate: options?.validate });
    },
    async select(message, choices) {
      const { select } = await load();
      return select({ message, choices });
    },
    async checkbox(message, choices) {
      const { checkbox } = await load();
      return checkbox({ message, choices, required: true });
    },
    async confirm(message, defaultValue = false) {
      const { confirm } = await load();
      return confirm({ message, default: defaultValue });
    },
  };
}

/** Without a terminal nothing is ever asked: the command fails at once naming the flag. */
export function nonInteractivePrompter(): Prompter {
  const refuse = (): never => {
    throw new UsageError('this needs an answer and there is no terminal to ask');
  };
  return { interactive: false, input: refuse, select: refuse, checkbox: refuse, confirm: refuse };
}

/** Ask for a missing value on a terminal; fail naming the flag otherwise. */
export async function requireValue(prompter: Prompter, value: string | undefined, flag: string, message: string): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!prompter.interactive) throw new UsageError(`missing required option ${flag}`);
  return prompter.input(message, { validate: (v) => (v.trim() ? true : 'a value is required') });
}

/** Destructive actions: a question on a terminal, `--yes` in scripts. */
export async function confirmDestructive(prompter: Prompter, yes: boolean | undefined, question: string): Promise<boolean> {
  if (yes) return true;
  if (!prompter.interactive) throw new UsageError(`${question.replace(/\?$/, '')}: refusing without --yes when there is no terminal`);
  return prompter.confirm(question, false);
}
