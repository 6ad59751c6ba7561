import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { predictVector, trainHeads, vectorize } from '../../src/ml/classifier.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { Ticket, User } from '../../src/entities/index.ts';
import type { TicketClassifier } from '../../src/services/pipeline/classifier.ts';
import { readDatabaseSettings } from '../../src/db/settings.ts';
import { addContributionsSql } from '../../src/services/stats/contributions.ts';
import { contentHash } from '../../src/services/tickets/text.ts';

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

/**
 * Inserts tickets with status new straight through the ORM (no importer), users matched by
 * e-mail; like every writer, adds them to daily_stats (the day's intake) in the database's zone. `createdAt` defaults to the fixture's own time; `externalIds` false leaves
 * them out (for texts inserted more than once).
 */
export async function insertNewTickets(
  em: EntityManager,
  tickets: readonly FixtureTicket[],
  options: { createdAt?: (ticket: FixtureTicket, index: number) => Date; externalIds?: boolean } = {},
): Promise<void> {
  const users = new Map<string, User>();
  const created: Ticket[] = [];
  for (const [i, t] of tickets.entries()) {
    let user = users.get(t.user_email);
    if (!user) {
      user = (await em.findOne(User, { email: t.user_email })) ?? em.create(User, { email: t.user_email, name: t.user_name });
      users.set(t.user_email, user);
    }
    created.push(em.create(Ticket, {
      source: t.source,
      externalId: options.externalIds === false ? null : t.external_id,
      user,
      subject: t.subject,
      body: t.body,
      language: t.language,
      status: 'new',
      contentHash: contentHash(t.subject, t.body),
      createdAt: options.createdAt ? options.createdAt(t, i) : new Date(t.created_at),
    }));
  }
  await em.flush();
  if (created.length === 0) return;
  const { statsTimeZone } = await readDatabaseSettings(em.getKysely());
  const ids = created.map((t) => `'${t.id}'`).join(',');
  await em.getConnection().execute(addContributionsSql(statsTimeZone, { ticketWhere: `tk.id in (${ids})`, predictionWhere: 'false' }));
}
