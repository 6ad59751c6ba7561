import type { EntityManager } from '@mikro-orm/sql';
import type { Language } from '../../entities/enums.ts';
import { UsageError } from '../../errors.ts';
import { notFound } from '../../services/reference/common.ts';
import { responseLanguages } from '../../services/reference/responses.ts';
import { languageValue } from '../../services/reference/values.ts';
import { responseLanguageChoices, responseNameChoices } from '../choices.ts';
import type { Asker } from '../reference.ts';

export interface ResponseKey {
  name: string;
  language: Language;
}

export const showKey = (key: ResponseKey): string => `"${key.name}" (${key.language})`;

/**
 * An answer template is named by its name and language. The language may be left out when the
 * name exists in one language only; otherwise it is picked on a terminal or must be given.
 */
export async function resolveResponse(em: EntityManager, ask: Asker, name: string | undefined, language: string | undefined): Promise<ResponseKey> {
  const picked = await ask.pick(name, 'NAME', 'Which answer template?', () => responseNameChoices(em));
  const given = languageValue(language, '--language');
  const languages = await responseLanguages(em, picked);
  if (languages.length === 0) throw notFound('answer template', picked);
  if (given !== undefined) return { name: picked, language: given };
  if (languages.length === 1) return { name: picked, language: languages[0]! };
  try {
    const chosen = await ask.pick(undefined, '--language', `"${picked}" exists in ${languages.join(', ')}: which one?`, () => responseLanguageChoices(em, picked));
    return { name: picked, language: languageValue(chosen, '--language')! };
  } catch (error) {
    if (error instanceof UsageError && !ask.asked) throw new UsageError(`missing required option --language ("${picked}" exists in ${languages.join(', ')})`);
    throw error;
  }
}
