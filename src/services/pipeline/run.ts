import type { EntityManager } from '@mikro-orm/sql';
import { sql, type Kysely } from 'kysely';
import { DECISIONS, LANGUAGES, type Decision, type Language } from '../../entities/enums.ts';
import { detectLanguage } from '../../ml/language.ts';
import { renderTemplate } from '../reference/templates.ts';
import { trackTickets } from '../stats/contributions.ts';
import { DailyAccumulator } from '../stats/daily.ts';
import type { TicketClassifier } from './classifier.ts';
import type { PipelineConfig } from './config.ts';
import type { Priority } from '../../entities/enums.ts';
import { assess, route, type DecisionRecord, type HumanSet, type ReferenceData } from './decide.ts';
import { referenceVersion, shareReferenceData } from '../reference/serialise.ts';
import { loadReferenceData } from './reference.ts';
import { recordAssignment, type OperatorLoad } from './router.ts';
import { failpoint } from '../../db/failpoint.ts';
import { THIN_LANGUAGE_SAMPLES } from '../model/gaps.ts';

export interface PipelineOptions {
  batchSize: number;
  /** Stop after this many tickets (all `new` tickets when absent). */
  limit?: number | undefined;
  /** Decide without writing: one pass over up to `limit` (or one batch of) tickets, rolled back. */
  dryRun: boolean;
  config: PipelineConfig;
  /** The database's statistics time zone (daily_stats days). */
  statsTimeZone: string;
  onProgress?: (processed: number) => void;
  /** After each committed batch (`pipeline run --follow` prints one line per batch). */
  onBatch?: (decided: DecidedTicket[], seconds: number) => void;
  /** Checked before each batch: a follower asked to stop finishes its batch and takes no other. */
  shouldStop?: () => boolean;
}

export interface DecidedTicket {
  id: string;
  number: string;
  language: Language | null;
  decision: Decision;
  category: string | null;
  confidence: number;
  department: string | null;
  operator: string | null;
  priority: string;
  issueType: string;
  reason: string;
}

export interface PipelineSummary {
  dryRun: boolean;
  model: string;
  processed: number;
  batches: number;
  decisions: Record<Decision, number>;
  byLanguage: Record<string, Record<Decision, number>>;
  seconds: number;
  ticketsPerSecond: number;
  /** Every decision in a dry run; empty otherwise (use `pipeline explain`). */
  tickets: DecidedTicket[];
}

interface ClaimedTicket {
  id: string;
  number: string;
  subject: string;
  body: string;
  language: Language | null;
  created_at: Date;
  user_name: string | null;
  user_email: string | null;
  human_fields: string[];
  category_id: string | null;
  priority: Priority | null;
  department_id: string | null;
  operator_id: string | null;
}

/** The values of the fields a person set (tickets.human_fields), for the decision to keep. */
function humanSet(ticket: ClaimedTicket): HumanSet | undefined {
  if (ticket.human_fields.length === 0) return undefined;
  const set: HumanSet = {};
  if (ticket.human_fields.includes('category')) set.categoryId = ticket.category_id;
  if (ticket.human_fields.includes('priority')) set.priority = ticket.priority;
  if (ticket.human_fields.includes('department')) set.departmentId = ticket.department_id;
  if (ticket.human_fields.includes('operator')) set.operatorId = ticket.operator_id;
  return set;
}

const OPEN = sql`('new', 'in_work', 'waiting')`;

/** Thrown inside the transaction to roll a dry run back. */
class DryRunRollback extends Error {}

/** Thrown inside a batch's transaction when departments, categories or templates changed since they were read. */
class ReferenceChanged extends Error {
  readonly version: string;
  constructor(version: string) {
    super('reference data changed');
    this.version = version;
  }
}

const emptyCounts = (): Record<Decision, number> => Object.fromEntries(DECISIONS.map((d) => [d, 0])) as Record<Decision, number>;

/**
 * Processes `new` tickets in batches until none are left (or `limit`). Each batch is one
 * transaction: claim with FOR UPDATE SKIP LOCKED (so several processes share the work without
 * overlap), classify, lock the operators (so capacity holds across processes), decide, write
 * tickets, predictions, messages, template counters and daily statistics, commit. Killed at any
 * point, the open batch rolls back and a rerun processes it.
 */
export async function runPipeline(em: EntityManager, classifier: TicketClassifier, options: PipelineOptions): Promise<PipelineSummary> {
  const started = performance.now();
  // Reference data is read outside the batches and checked inside each one (after the shared
  // lock that reference changes wait for): changed since, it is read again and the batch retried.
  let version = await referenceVersion(em.getKysely<any>());
  let reference = await loadReferenceData(em.fork(), options.config);
  const summary: PipelineSummary = {
    dryRun: options.dryRun,
    model: classifier.modelName,
    processed: 0,
    batches: 0,
    decisions: emptyCounts(),
    byLanguage: Object.fromEntries([...LANGUAGES, 'unknown'].map((l) => [l, emptyCounts()])),
    seconds: 0,
    ticketsPerSecond: 0,
    tickets: [],
  };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (;;) {
    // A dry run is one pass, rolled back: all of `limit` in it (one batch's worth without a limit).
    const size = options.dryRun && options.limit !== undefined ? options.limit : Math.min(options.batchSize, limit - summary.processed);
    if (size <= 0 || options.shouldStop?.()) break;
    const batchStarted = performance.now();
    let decided: DecidedTicket[] = [];
    try {
      await em.transactional(async (tx) => {
        const db = tx.getKysely<any>();
        await shareReferenceData(db);
        const current = await referenceVersion(db);
        if (current !== version) throw new ReferenceChanged(current);
        decided = await processBatch(db, classifier, reference, options.config, size, options.statsTimeZone);
        if (options.dryRun) throw new DryRunRollback();
        if (decided.length > 0) await failpoint('pipeline:batch-written');
      });
    } catch (error) {
      if (error instanceof ReferenceChanged) {
        // Nothing of this batch was written: read the reference data again and redo it.
        version = error.version;
        reference = await loadReferenceData(em.fork(), options.config);
        continue;
      }
      if (!(error instanceof DryRunRollback)) throw error;
    }
    if (decided.length === 0) break;
    if (!options.dryRun) await failpoint('pipeline:batch-committed');
    summary.batches++;
    summary.processed += decided.length;
    for (const t of decided) {
      summary.decisions[t.decision]++;
      summary.byLanguage[t.language ?? 'unknown']![t.decision]++;
    }
    if (options.dryRun) summary.tickets.push(...decided);
    options.onProgress?.(summary.processed);
    if (!options.dryRun) options.onBatch?.(decided, (performance.now() - batchStarted) / 1000);
    // A dry run rolls back, so the same tickets would be claimed again: one pass only.
    if (options.dryRun || decided.length < size) break;
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.ticketsPerSecond = summary.seconds > 0 ? summary.processed / summary.seconds : 0;
  return summary;
}

async function processBatch(
  db: Kysely<any>,
  classifier: TicketClassifier,
  reference: ReferenceData,
  config: PipelineConfig,
  size: number,
  statsTimeZone: string,
): Promise<DecidedTicket[]> {
  // The pipeline's own decisions are not changes a person makes: no audit rows for them (the
  // trigger honours this only for the pipeline and admin roles, src/db/roles.ts).
  await sql`select set_config('helpdesk.audit', 'off', true)`.execute(db);
  const claimed = (
    await sql<ClaimedTicket>`
      select t.id, t.number::text as number, t.subject, t.body, t.language, t.created_at, u.name as user_name, u.email as user_email,
             t.human_fields::text[] as human_fields, t.category_id, t.priority::text as priority, t.department_id, t.operator_id
      from tickets t left join users u on u.id = t.user_id
      where t.status = 'new'
      order by t.created_at, t.id
      limit ${size}
      for update of t skip locked`.execute(db)
  ).rows;
  if (claimed.length === 0) return [];
  await failpoint('pipeline:batch-claimed');

  // The event triggers name the writer; the pipeline's ticket updates are its "decided" events.
  await sql`select set_config('helpdesk.actor', 'pipeline', true)`.execute(db);
  const texts = claimed.map((t) => `${t.subject}\n${t.body}`);
  const heads = classifier.classify(texts);
  // Everything that does not depend on operator loads is decided before the operators are
  // locked: other processes wait on that lock only for the routing and the writes.
  const languages = claimed.map((ticket, i) => ticket.language ?? detectedLanguage(texts[i]!));
  const assessments = claimed.map((ticket, i) => {
    const human = humanSet(ticket);
    return assess({ id: ticket.id, text: texts[i]!, language: languages[i] ?? null, ...(human ? { human } : {}) }, heads[i] ?? {}, reference, config);
  });
  // Daily statistics: what these tickets contribute after the batch minus before (nothing, unless
  // a ticket was decided before and set back to new), added in this transaction. The "before"
  // needs only the claimed tickets, so it is read before the operators are locked.
  const tracked = await trackTickets(db, statsTimeZone, claimed.map((t) => t.id));
  const operators = await lockOperators(db);
  const now = new Date();
  const records: DecisionRecord[] = assessments.map((assessment) => {
    const record = route(assessment, operators);
    // An operator a person chose already carries the ticket in their load.
    if (record.operatorId && !record.human.includes('operator')) recordAssignment(operators, record.operatorId, now.getTime());
    return record;
  });

  const ticketsUpdate = {
    id: [] as string[],
    status: [] as string[],
    category: [] as (string | null)[],
    priority: [] as string[],
    issueType: [] as string[],
    department: [] as (string | null)[],
    operator: [] as (string | null)[],
    escalated: [] as boolean[],
    language: [] as (string | null)[],
    slaDue: [] as Date[],
    firstResponse: [] as (Date | null)[],
    resolved: [] as (Date | null)[],
  };
  const predictions = {
    ticket: [] as string[],
    category: [] as (string | null)[],
    priority: [] as string[],
    issueType: [] as string[],
    department: [] as (string | null)[],
    confidence: [] as number[],
    scores: [] as string[],
    decision: [] as string[],
    reason: [] as string[],
  };
  const messages = { ticket: [] as string[], body: [] as string[], template: [] as string[] };
  const templateUses = new Map<string, number>();
  const thresholds = JSON.stringify(config.thresholds);

  records.forEach((record, i) => {
    const ticket = claimed[i]!;
    const createdAt = new Date(ticket.created_at);
    const autoResolved = record.decision === 'auto_resolved';
    const slaDue = new Date(createdAt.getTime() + config.slaHours[record.priority.value] * 3600_000);
    ticketsUpdate.id.push(ticket.id);
    ticketsUpdate.status.push(autoResolved ? 'auto_resolved' : 'in_work');
    ticketsUpdate.category.push(record.categoryId);
    ticketsUpdate.priority.push(record.priority.value);
    ticketsUpdate.issueType.push(record.issueType.value);
    ticketsUpdate.department.push(record.departmentId);
    ticketsUpdate.operator.push(record.operatorId);
    ticketsUpdate.escalated.push(record.decision === 'escalated');
    ticketsUpdate.language.push(languages[i] ?? null);
    ticketsUpdate.slaDue.push(slaDue);
    ticketsUpdate.firstResponse.push(autoResolved ? now : null);
    ticketsUpdate.resolved.push(autoResolved ? now : null);

    predictions.ticket.push(ticket.id);
    // The model's own category: a person's on the ticket is theirs, not the model's prediction.
    predictions.category.push(record.predictedCategoryId);
    predictions.priority.push(record.priority.value);
    predictions.issueType.push(record.issueType.value);
    predictions.department.push(record.departmentId);
    predictions.confidence.push(record.confidence);
    predictions.scores.push(
      JSON.stringify({
        language: languages[i],
        heads: record.heads,
        derived: { priority: record.priority, issueType: record.issueType },
        template: record.template,
        departmentSource: record.departmentSource,
        routing: record.routing,
        holdBack: record.holdBack,
        human: record.human,
        languageKnowledge: languageKnowledge(classifier, languages[i] ?? null),
      }),
    );
    predictions.decision.push(record.decision);
    predictions.reason.push(record.reason);

    if (autoResolved && record.template) {
      const template = findTemplate(reference, record.template.id);
      messages.ticket.push(ticket.id);
      messages.template.push(record.template.id);
      messages.body.push(
        renderTemplate(template?.answer ?? '', {
          ticket_number: ticket.number,
          client_name: ticket.user_name ?? ticket.user_email ?? '',
          subject: ticket.subject,
          category: record.categoryName ?? '',
          department: record.departmentId ? reference.departmentNames.get(record.departmentId) ?? '' : '',
        }),
      );
      templateUses.set(record.template.id, (templateUses.get(record.template.id) ?? 0) + 1);
    }
  });

  await sql`
    update tickets t set
      status = v.status::ticket_status,
      category_id = v.category_id,
      priority = v.priority::priority,
      issue_type = v.issue_type::issue_type,
      department_id = v.department_id,
      operator_id = v.operator_id,
      escalated = v.escalated,
      language = coalesce(t.language, v.language::language),
      sla_due_at = v.sla_due_at,
      first_response_at = coalesce(t.first_response_at, v.first_response_at),
      resolved_at = coalesce(t.resolved_at, v.resolved_at),
      updated_at = ${now}
    from unnest(
      ${ticketsUpdate.id}::uuid[], ${ticketsUpdate.status}::text[], ${ticketsUpdate.category}::uuid[], ${ticketsUpdate.priority}::text[],
      ${ticketsUpdate.issueType}::text[], ${ticketsUpdate.department}::uuid[], ${ticketsUpdate.operator}::uuid[], ${ticketsUpdate.escalated}::boolean[],
      ${ticketsUpdate.language}::text[], ${ticketsUpdate.slaDue}::timestamptz[], ${ticketsUpdate.firstResponse}::timestamptz[], ${ticketsUpdate.resolved}::timestamptz[]
    ) as v(id, status, category_id, priority, issue_type, department_id, operator_id, escalated, language, sla_due_at, first_response_at, resolved_at)
    where t.id = v.id`.execute(db);

  await sql`
    insert into ai_predictions (ticket_id, model_id, category_id, priority, issue_type, department_id, confidence, scores, thresholds, decision, reason, created_at)
    select v.ticket_id, ${classifier.modelId}::uuid, v.category_id, v.priority::priority, v.issue_type::issue_type, v.department_id, v.confidence,
           v.scores::jsonb, ${thresholds}::jsonb, v.decision::decision, v.reason, ${now}
    from unnest(
      ${predictions.ticket}::uuid[], ${predictions.category}::uuid[], ${predictions.priority}::text[], ${predictions.issueType}::text[],
      ${predictions.department}::uuid[], ${predictions.confidence}::float8[], ${predictions.scores}::text[], ${predictions.decision}::text[], ${predictions.reason}::text[]
    ) as v(ticket_id, category_id, priority, issue_type, department_id, confidence, scores, decision, reason)`.execute(db);

  if (messages.ticket.length > 0) {
    await sql`
      insert into ticket_messages (ticket_id, author_kind, author, body, auto_response_id, created_at)
      select v.ticket_id, 'ai', ${classifier.modelName}, v.body, v.template_id, ${now}
      from unnest(${messages.ticket}::uuid[], ${messages.body}::text[], ${messages.template}::uuid[]) as v(ticket_id, body, template_id)`.execute(db);
    await sql`
      update ai_auto_responses r set times_used = r.times_used + v.n, updated_at = ${now}
      from unnest(${[...templateUses.keys()]}::uuid[], ${[...templateUses.values()]}::int[]) as v(id, n)
      where r.id = v.id`.execute(db);
  }
  await tracked.commit(new DailyAccumulator());

  const operatorNames = new Map(operators.map((o) => [o.id, o.name]));
  return records.map((record, i) => ({
    id: claimed[i]!.id,
    number: claimed[i]!.number,
    language: languages[i] ?? null,
    decision: record.decision,
    category: record.categoryName,
    confidence: record.confidence,
    department: record.departmentId ? reference.departmentNames.get(record.departmentId) ?? null : null,
    operator: record.operatorId ? operatorNames.get(record.operatorId) ?? null : null,
    priority: record.priority.value,
    issueType: record.issueType.value,
    reason: record.reason,
  }));
}

function detectedLanguage(text: string): Language | null {
  const result = detectLanguage(text);
  return result.confidence > 0 ? result.language : null;
}

function findTemplate(reference: ReferenceData, id: string) {
  for (const list of reference.templates.values()) {
    const found = list.find((t) => t.id === id);
    if (found) return found;
  }
  return undefined;
}

/**
 * Active operators with their current open load, locked FOR UPDATE so that two processes
 * routing at once cannot both give the last free slot away: the second waits for the first
 * batch to commit, then sees its assignments. The lock also keeps two batches' writes apart.
 */
export async function lockOperators(db: Kysely<any>): Promise<OperatorLoad[]> {
  const operators = (
    await sql<{ id: string; name: string; department_id: string; languages: string[]; capacity: number }>`
      select id, name, department_id, languages::text[] as languages, capacity
      from operators where active order by id for update`.execute(db)
  ).rows;
  if (operators.length === 0) {
    // Nothing to lock, but the batches' writes must still not interleave: they update the same
    // template counters and daily_stats rows in different orders, which deadlocks two processes.
    await sql`select pg_advisory_xact_lock(hashtext('helpdesk pipeline'))`.execute(db);
    return [];
  }
  const loads = (
    await sql<{ operator_id: string; open: number; last: Date | null }>`
      select operator_id, count(*)::int as open, max(updated_at) as last
      from tickets where operator_id is not null and status in ${OPEN}
      group by operator_id`.execute(db)
  ).rows;
  const byId = new Map(loads.map((l) => [l.operator_id, l]));
  return operators.map((o) => ({
    id: o.id,
    name: o.name,
    departmentId: o.department_id,
    languages: o.languages as Language[],
    capacity: o.capacity,
    open: byId.get(o.id)?.open ?? 0,
    active: true,
    lastAssignedAt: byId.get(o.id)?.last ? new Date(byId.get(o.id)!.last!).getTime() : 0,
  }));
}

/**
 * How well the model knows the ticket's language: its training samples in it, and whether that
 * is too few (fewer than THIN_LANGUAGE_SAMPLES: confidences are low, escalations many), so that
 * `pipeline explain` and `stats models` can say so. Null when the model did not count them.
 */
function languageKnowledge(classifier: TicketClassifier, language: string | null): { samples: number; thin: boolean } | null {
  if (!classifier.languageSamples || language === null) return null;
  const samples = classifier.languageSamples[language] ?? 0;
  return { samples, thin: samples < THIN_LANGUAGE_SAMPLES };
}
