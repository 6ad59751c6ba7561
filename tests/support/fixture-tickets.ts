import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { predictVector, trainHeads, vectorize } from '../../src/ml/classifier.ts';
import type { TicketClassifier } from '../../src/services/pipeline/classifier.ts';

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

/** A real classifier trained on the labelled fixture history (category and department heads). */
export function fixtureClassifier(): TicketClassifier {
  const history = readFixtureTickets('history');
  const texts = history.map((t) => `${t.subject}\n${t.body}`);
  const { vectorizer, heads } = trainHeads(texts, { category: history.map((t) => t.category), department: history.map((t) => t.department) }, { seed: 7, holdout: 0.2 });
  return {
    modelId: null,
    modelName: 'fixture-model',
    classify: (batch) =>
      batch.map((text) => {
        const x = vectorize(vectorizer, text);
        return Object.fromEntries(Object.entries(heads).map(([name, head]) => [name, predictVector(head.model, x)]));
      }),
  };
}
