// Shared by bench/pipeline.ts and the pipeline process tests: how generated tickets are
// imported as new ones, and how a pipeline run over them is undone so that it can be timed again.

/** Generated tickets (bench/generate-tickets.ts) imported without their labels: new tickets. */
export const NEW_TICKETS_MAP = 'external_id=ID,email=Email,name=Name,subject=Subject,body=Body,created_at=Created';

/** Anything that runs SQL: a pg.Client, or a wrapper around a Kysely connection. */
export interface SqlRunner {
  query(text: string): Promise<unknown>;
}

/**
 * Puts every ticket the pipeline decided back to `new` as the importer left it (no category,
 * priority, issue type, department, operator, SLA or response times; the language the importer
 * detected stays), deletes the predictions and the automatic answers, zeroes the template use
 * counts. One transaction. daily_stats also holds what imports added, so it is not emptied here:
 * run `helpdesk stats rebuild` afterwards, which recomputes it from the tickets.
 */
export async function undoPipeline(db: SqlRunner): Promise<void> {
  await db.query(`
    begin;
    delete from ticket_messages m using ai_predictions p where m.ticket_id = p.ticket_id and m.author_kind = 'ai';
    update tickets t set status = 'new', category_id = null, priority = null, issue_type = null, department_id = null, operator_id = null,
           escalated = false, sla_due_at = null, sla_breached_at = null, first_response_at = null, resolved_at = null
      from ai_predictions p where p.ticket_id = t.id;
    delete from ai_predictions;
    update ai_auto_responses set times_used = 0;
    commit;`);
}
