import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FixtureTicket {
  external_id: string;
  source: 'email' | 'chat' | 'portal' | 'phone';
  user_email: string;
  user_name: string;
  subject: string;
  body: string;
  language: 'ru' | 'kk' | 'en';
  created_at: string;
  category?: string;
  department?: string;
  priority?: string;
  issue_type?: string;
  status?: string;
}

export function readFixtureTickets(name: 'history' | 'incoming'): FixtureTicket[] {
  const path = fileURLToPath(new URL(`../../fixtures/tickets/${name}.jsonl`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as FixtureTicket);
}
