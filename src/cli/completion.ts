import type { Command, Option } from 'commander';
import { LABEL_SOURCES, LANGUAGES, PRIORITIES, TICKET_SOURCES, TICKET_STATUSES, USER_KINDS } from '../entities/enums.ts';

// Shell completion scripts generated from the commander program itself, so that they always
// list the commands, flags and enum values (an option's choices) this version has. Generating
// one needs nothing but the program: no database code is loaded.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Values of options that the commands validate themselves (so commander has no choices for
 * them), by flag. Lists (`--languages ru,kk`) complete one value.
 */
const ENUM_VALUES: Record<string, readonly string[]> = {
  '--status': TICKET_STATUSES,
  '--language': LANGUAGES,
  '--languages': LANGUAGES,
  '--source': TICKET_SOURCES,
  '--priority': PRIORITIES,
  '--kind': USER_KINDS,
  '--label-source': LABEL_SOURCES,
  '--by': ['department', 'category', 'language', 'source', 'operator'],
  '--period': ['day', 'week', 'month'],
  '--heads': ['category', 'department', 'priority', 'issue_type'],
  '--input-format': ['csv', 'jsonl'],
  '--encoding': ['utf-8', 'cp1251'],
  '--on-error': ['fail', 'skip'],
  '--rebuild-indexes': ['auto', 'always', 'never'],
};

/** Options whose value is a path. */
const PATH_FLAG = /^--(file|out|config|errors|data-dir)$/;

interface Node {
  /** Command path below the program, e.g. ["tickets", "list"]; [] for the program. */
  path: string[];
  description: string;
  subcommands: { name: string; description: string }[];
  /** Values an argument accepts (`completion bash|zsh|fish`). */
  argumentValues: string[];
  options: { flags: string[]; description: string; takesValue: boolean; choices: string[] }[];
}

function visibleOptions(command: Command): Option[] {
  return command.options.filter((o) => !(o as Option & { hidden?: boolean }).hidden);
}

function walk(command: Command, path: string[] = []): Node[] {
  const options = visibleOptions(command).map((o) => ({
    flags: [o.long, o.short].filter((f): f is string => typeof f === 'string'),
    description: o.description,
    takesValue: o.required || o.optional,
    choices: o.argChoices ?? [...(ENUM_VALUES[o.long ?? ''] ?? [])],
  }));
  options.push({ flags: ['--help', '-h'], description: 'display help', takesValue: false, choices: [] });
  const subs = command.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  const node: Node = { path, description: command.description(), subcommands: subs.map((c) => ({ name: c.name(), description: c.description() })), argumentValues: command.registeredArguments.flatMap((a) => a.argChoices ?? []), options };
  return [node, ...subs.flatMap((c) => walk(c, [...path, c.name()]))];
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** bash (4+): the command path is the non-flag words that name known commands. */
function bash(nodes: Node[], name: string): string {
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}_completion`;
  const known = nodes.filter((n) => n.path.length > 0).map((n) => ` ${n.path.join(' ')}`);
  const valueCases: string[] = [];
  const wordCases: string[] = [];
  for (const n of nodes) {
    const key = n.path.length ? ` ${n.path.join(' ')}` : '';
    for (const o of n.options.filter((o) => o.takesValue && (o.choices.length > 0 || PATH_FLAG.test(o.flags[0]!)))) {
      const action = o.choices.length > 0 ? `COMPREPLY=($(compgen -W ${quote(o.choices.join(' '))} -- "$cur"))` : o.flags[0] === '--data-dir' ? 'COMPREPLY=($(compgen -d -- "$cur"))' : 'COMPREPLY=($(compgen -f -- "$cur"))';
      valueCases.push(`    ${o.flags.map((f) => quote(`${key}|${f}`)).join('|')}) ${action}; return ;;`);
    }
    const words = [...n.subcommands.map((s) => s.name), ...n.argumentValues, ...n.options.flatMap((o) => o.flags.filter((f) => f.startsWith('--')))];
    wordCases.push(`    ${quote(key)}) words=${quote(words.join(' '))} ;;`);
  }
  const takesValue = [...new Set(nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))];
  return `# ${name} completion for bash. Load it with:  source <(${name} completion bash)
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path= w i words=
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    case $w in -*) continue ;; esac
    case " \${COMP_WORDS[i-1]} " in ${takesValue.map((f) => `" ${f} "`).join('|')}) continue ;; esac
    case "$path $w" in
      ${known.map(quote).join('|')}) path="$path $w" ;;
    esac
  done
  case "$path|$prev" in
${valueCases.join('\n')}
  esac
  # Any other value (a name, a number, a text): nothing to suggest.
  case " $prev " in ${takesValue.map((f) => `" ${f} "`).join('|')}) COMPREPLY=(); return ;; esac
  case "$path" in
${wordCases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

/** zsh: the bash function through zsh's bashcompinit, which every zsh ships. */
function zsh(nodes: Node[], name: string): string {
  return `#compdef ${name}
# ${name} completion for zsh. Load it with:  source <(${name} completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
autoload -U +X bashcompinit && bashcompinit
${bash(nodes, name).split('\n').slice(1).join('\n')}`;
}

/** fish: one `complete` line per command, flag and enum value, with their descriptions. */
function fish(nodes: Node[], name: string): string {
  const lines = [`# ${name} completion for fish. Load it with:  ${name} completion fish | source`, `complete -c ${name} -f`];
  for (const n of nodes) {
    const seen = n.path.map((p) => `__fish_seen_subcommand_from ${p}`);
    const subNames = n.subcommands.map((s) => s.name).join(' ');
    const here = n.path.length === 0 ? '__fish_use_subcommand' : seen.join('; and ');
    for (const s of n.subcommands) {
      const cond = n.path.length === 0 ? here : `${here}; and not __fish_seen_subcommand_from ${subNames}`;
      lines.push(`complete -c ${name} -n ${quote(cond)} -a ${s.name} -d ${quote(oneLine(s.description))}`);
    }
    if (n.argumentValues.length > 0) lines.push(`complete -c ${name} -n ${quote(here)} -a ${quote(n.argumentValues.join(' '))}`);
    for (const o of n.options) {
      const long = o.flags.find((f) => f.startsWith('--'))?.slice(2);
      const short = o.flags.find((f) => /^-[^-]/.test(f))?.slice(1);
      const parts = [`complete -c ${name}`];
      if (n.path.length > 0) parts.push(`-n ${quote(here)}`);
      if (long) parts.push(`-l ${long}`);
      if (short) parts.push(`-s ${short}`);
      if (o.choices.length > 0) parts.push(`-x -a ${quote(o.choices.join(' '))}`);
      else if (o.takesValue && PATH_FLAG.test(o.flags[0]!)) parts.push('-r -F');
      else if (o.takesValue) parts.push('-x');
      parts.push(`-d ${quote(oneLine(o.description))}`);
      lines.push(parts.join(' '));
    }
  }
  return lines.join('\n') + '\n';
}

export function completionScript(program: Command, shell: Shell): string {
  const nodes = walk(program);
  const name = program.name();
  return shell === 'bash' ? bash(nodes, name) : shell === 'zsh' ? zsh(nodes, name) : fish(nodes, name);
}
