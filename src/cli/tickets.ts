import type { Command } from 'commander';
import type { ContextFor } from './shared.ts';

export function registerTicketsCommands(_program: Command, _context: ContextFor): void {}
