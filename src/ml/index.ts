/** Public API of the helpdesk ML core (pure code: no database, no CLI). See docs-ml.md. */
export { prepareText, tokenize, stripHtml, foldCase, PLACEHOLDER_TOKENS } from './text.ts';
export { detectLanguage, DEFAULT_LANGUAGE, KAZAKH_WORDS, RUSSIAN_WORDS } from './language.ts';
export type { Language, LanguageResult } from './language.ts';
export {
  DEFAULT_VECTORIZER_CONFIG,
  fitTransform,
  transform,
  transformPrepared,
  transformMany,
  hashString,
} from './features.ts';
export type { SparseMatrix, SparseVector, Vectorizer, VectorizerConfig } from './features.ts';
export {
  DEFAULT_SVM_PARAMS,
  trainClassifier,
  trainHead,
  trainHeads,
  predict,
  predictMany,
  predictVector,
  vectorize,
  decisionScores,
  evaluateModel,
  fitTemperature,
  softmax,
  stratifiedSplit,
} from './classifier.ts';
export type { Prediction, Sample, SvmParams, TrainOptions, TrainResult, TrainedHead } from './classifier.ts';
export { serializeModel, deserializeModel } from './model.ts';
export type { SerializeOptions } from './model.ts';
export {
  accuracy,
  confusionMatrix,
  evaluate,
  expectedCalibrationError,
  macroF1,
  perClassMetrics,
} from './metrics.ts';
export type { ClassMetrics, EvalMetrics } from './metrics.ts';
export { detectUrgency, URGENCY_CUES } from './rules.ts';
export type { Priority, UrgencyResult } from './rules.ts';
export { createRng } from './random.ts';
export type { Rng } from './random.ts';
