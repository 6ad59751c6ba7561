import type { EntityManager } from '@mikro-orm/sql';
import { sql } from 'kysely';
import { UsageError } from '../../errors.ts';
import { zoneLiteral } from './contributions.ts';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export interface ModelAccuracyRow {
  /** "name v3", or "(no model)" for decisions made by rules alone. */
  model: string;
  /** First day of the period (weeks start on Monday), YYYY-MM-DD. */
  period: string;
  /** The ticket's language; "all" for the model's row over every language. */
  language: string;
  predictions: number;
  confirmed: number;
  corrected: number;
  /** confirmed / (confirmed + corrected); null when nobody reviewed any. */
  accuracy: number | null;
  /** Share of predictions a person reviewed. */
  reviewedShare: number | null;
  avgConfidence: number | null;
  autoResolved: number;
  escalated: number;
  /** Predictions for a language the model had fewer than 100 training samples of (see model gaps). */
  thinLanguage: number;
}

export function parsePeriod(value: string | undefined): Period {
  const period = (value ?? 'week') as Period;
  if (!PERIODS.includes(period)) throw new UsageError(`--period must be one of ${PERIODS.join(', ')} (got "${value}")`);
  return period;
}

/**
 * Accuracy of each model over time from the prediction log: per model, period (of the
 * prediction's time, in the time zone) and ticket language, plus a row over all languages.
 * Accuracy is confirmed / (confirmed + corrected) of the reviewed predictions.
 */
export async function modelAccuracy(em: EntityManager, options: { from: string; to: string; timeZone: string; period: Period; model?: string | undefined }): Promise<ModelAccuracyRow[]> {
  const tz = zoneLiteral(options.timeZone);
  const period = options.period;
  const rows = (
    await sql<Record<string, unknown>>`
      select model, period, language, grouping(language) as all_languages,
             count(*)::int as predictions,
             (count(*) filter (where review = 'confirmed'))::int as confirmed,
             (count(*) filter (where review = 'corrected'))::int as corrected,
             avg(confidence)::float8 as confidence,
             (count(*) filter (where decision = 'auto_resolved'))::int as auto_resolved,
             (count(*) filter (where decision = 'escalated'))::int as escalated,
             (count(*) filter (where thin_language))::int as thin_language
      from (
        select coalesce(m.name || ' v' || m.version, '(no model)') as model,
               to_char(date_trunc(${sql.lit(period)}, (p.created_at at time zone ${sql.raw(tz)}))::date, 'YYYY-MM-DD') as period,
               coalesce(t.language::text, '(unknown)') as language,
               p.review::text as review, p.decision::text as decision, p.confidence,
               coalesce((p.scores -> 'languageKnowledge' ->> 'thin')::boolean, false) as thin_language
        from ai_predictions p
        join tickets t on t.id = p.ticket_id
        left join ml_models m on m.id = p.model_id
        where p.created_at >= (${options.from}::date::timestamp at time zone ${sql.raw(tz)})
          and p.created_at < ((${options.to}::date + 1)::timestamp at time zone ${sql.raw(tz)})
          and (${options.model ?? null}::text is null or m.name = ${options.model ?? null}::text)
      ) x
      group by grouping sets ((model, period, language), (model, period))
      order by model, period, all_languages desc, language`.execute(em.getKysely<any>())
  ).rows;
  return rows.map((r) => {
    const confirmed = Number(r.confirmed);
    const corrected = Number(r.corrected);
    const predictions = Number(r.predictions);
    return {
      model: String(r.model),
      period: String(r.period),
      language: Number(r.all_languages) === 1 ? 'all' : String(r.language),
      predictions,
      confirmed,
      corrected,
      accuracy: confirmed + corrected > 0 ? confirmed / (confirmed + corrected) : null,
      reviewedShare: predictions > 0 ? (confirmed + corrected) / predictions : null,
      avgConfidence: r.confidence === null ? null : Number(r.confidence),
      autoResolved: Number(r.auto_resolved),
      escalated: Number(r.escalated),
      thinLanguage: Number(r.thin_language),
    };
  });
}
