import { sql, type Kysely } from 'kysely';

// Reference data (departments, categories, answer templates) and pipeline batches serialise on
// one transaction-level advisory lock: each pipeline batch holds it shared (several pipeline
// processes run side by side), a change that moves or removes reference rows holds it exclusive.
// So `departments remove --reassign-to` waits for the batches in flight to commit, and the
// batches after it wait for the removal to commit; then they see that the reference data changed
// (referenceVersion) and reload it before deciding anything. Before, a batch wrote the id of a
// department removed under it: a foreign-key failure that stopped the whole run.

const KEY = sql`hashtext('helpdesk reference data')`;

/** Held by a pipeline batch until its transaction ends. */
export async function shareReferenceData(db: Kysely<any>): Promise<void> {
  await sql`select pg_advisory_xact_lock_shared(${KEY})`.execute(db);
}

/** Held by a change to reference data until its transaction ends; waits for batches in flight. */
export async function lockReferenceData(db: Kysely<any>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${KEY})`.execute(db);
}

/**
 * A fingerprint of everything the pipeline reads from reference data: it changes whenever a
 * department, category or answer template is added, removed, renamed, moved or (de)activated.
 * A few hundred small rows: about a millisecond per batch.
 */
export async function referenceVersion(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ v: string }>`
    select md5(
      coalesce((select string_agg(id::text || active::text || name, ',' order by id) from departments), '') || '|' ||
      coalesce((select string_agg(id::text || active::text || name || default_department_id::text || default_priority::text, ',' order by id) from categories), '') || '|' ||
      coalesce((select string_agg(id::text || active::text || name || category_id::text || language::text || md5(answer || trigger_examples::text), ',' order by id) from ai_auto_responses), '')
    ) as v`.execute(db);
  return rows[0]!.v;
}
