import type { Prediction } from '../../ml/classifier.ts';
import type { HeadName } from '../classification/derive.ts';

/** What the pipeline needs from a trained model: head predictions for a batch of texts. */
export interface TicketClassifier {
  readonly modelId: string | null;
  /** Shown as the author of automatic answers, e.g. "helpdesk-classifier v3". */
  readonly modelName: string;
  classify(texts: readonly string[]): Partial<Record<HeadName, Prediction>>[];
  /** Training samples per language of the model (null: a model trained before they were counted). */
  readonly languageSamples?: Readonly<Record<string, number>> | null;
}
