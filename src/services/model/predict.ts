import type { EntityManager } from '@mikro-orm/sql';
import { detectLanguage } from '../../ml/language.ts';
import type { Prediction } from '../../ml/classifier.ts';
import { AutoResponse, Category } from '../../entities/index.ts';
import type { IssueType, Language, Priority } from '../../entities/enums.ts';
import { deriveIssueType, derivePriority, type DerivedValue, type HeadName } from '../classification/derive.ts';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from '../pipeline/config.ts';
import { bestTemplate, compileTemplate, stems } from '../pipeline/resolver.ts';
import { classifyText, trustedHeads } from './classify.ts';
import { loadActiveModel, loadModel } from './registry.ts';

export interface PredictResult {
  model: { id: string; name: string; version: number };
  language: { value: Language; confidence: number };
  /** Each trained head's three most probable labels. */
  heads: Partial<Record<HeadName, Prediction>>;
  /** Priority and issue type as the pipeline would set them, with where each value came from. */
  derived: { priority: DerivedValue<Priority>; issue_type: DerivedValue<IssueType> };
}

/**
 * Classifies one text with the active model (or `modelRef`), detects its language and derives
 * priority and issue type as the pipeline does: the heads when trained and confident, else the
 * urgency words, the predicted category's default priority and its answer templates.
 */
export async function predictText(
  em: EntityManager,
  text: string,
  options: { modelRef?: string; config?: PipelineConfig } = {},
): Promise<PredictResult> {
  const config = options.config ?? DEFAULT_PIPELINE_CONFIG;
  const model = options.modelRef ? await loadModel(em, options.modelRef) : await loadActiveModel(em);
  const heads = classifyText(model, text);
  const lang = detectLanguage(text);
  const categoryName = heads.category?.label;
  const category = categoryName ? await em.findOne(Category, { name: { $ilike: categoryName } }) : null;
  let templateMatch: { name: string; similarity: number; matched: number; focus: number } | null = null;
  if (category) {
    const templates = await em.find(AutoResponse, { category: category.id, language: lang.language, active: true }, { orderBy: { name: 'asc' } });
    const candidates = templates.map((t) =>
      compileTemplate({ id: t.id, name: t.name, categoryId: category.id, language: t.language, answer: t.answer }, t.triggerExamples),
    );
    const best = bestTemplate(stems(text), candidates);
    if (best) templateMatch = { name: best.template.name, similarity: best.similarity, matched: best.matched, focus: best.focus };
  }
  const input = {
    text,
    heads: trustedHeads(model, heads, config.thresholds.headQuality),
    categoryDefaultPriority: category?.defaultPriority ?? null,
    templateMatch,
    headThreshold: config.thresholds.department,
    templateThreshold: config.thresholds.templateMatch,
  };
  return {
    model: { id: model.id, name: model.name, version: model.version },
    language: { value: lang.language, confidence: lang.confidence },
    heads,
    derived: { priority: derivePriority(input), issue_type: deriveIssueType(input) },
  };
}
