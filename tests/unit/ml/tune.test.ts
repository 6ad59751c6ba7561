import { describe, expect, it } from 'vitest';
import { DEFAULT_VECTORIZER_CONFIG, fitTransform } from '../../../src/ml/features.ts';
import { prepareText } from '../../../src/ml/text.ts';
import { TUNE_GRID, tuneHead } from '../../../src/ml/tune.ts';

// Three topics in three languages, with noise words, so that settings differ a little.
const TOPICS: Record<string, string[]> = {
  printer: ['Принтер не печатает', 'Принтер жұмыс істемейді', 'Printer is not printing', 'Картридж бітті', 'Paper jam in the printer', 'Принтер зажевал бумагу'],
  password: ['Забыл пароль', 'Құпиясөзді ұмытып қалдым', 'I forgot my password', 'Сбросьте пароль', 'Password expired', 'Парольді қалпына келтіріңіз'],
  network: ['Нет интернета', 'Интернет жоқ', 'No internet connection', 'VPN не подключается', 'Wi-Fi keeps dropping', 'VPN қосылмайды'],
};
const texts: string[] = [];
const labels: string[] = [];
for (const [label, list] of Object.entries(TOPICS)) {
  list.forEach((t, i) => {
    for (const extra of ['', ' срочно', ' please help', ' рахмет', ' спасибо']) {
      texts.push(`${t}${extra} ${i}`);
      labels.push(label);
    }
  });
}
const { vectorizer, matrix } = fitTransform(texts.map(prepareText), { ...DEFAULT_VECTORIZER_CONFIG, bits: 16 });

describe('tuning by cross-validation', () => {
  it('tries the whole grid in a fixed order, defaults first, and picks the same setting for the same seed', () => {
    const a = tuneHead(vectorizer, matrix, labels, { seed: 3, budgetSeconds: 600 });
    const b = tuneHead(vectorizer, matrix, labels, { seed: 3, budgetSeconds: 600 });
    expect(a.trials.map((t) => [t.C, t.balancePower])).toEqual(TUNE_GRID.map((c) => [c.C, c.balancePower]));
    expect(a.trials[0]).toMatchObject({ C: 0.4, balancePower: 0.5 });
    expect(a.trials.every((t) => t.macroF1 !== null && t.macroF1 > 0.5)).toBe(true);
    expect(b.chosen).toEqual(a.chosen);
    expect(b.trials.map((t) => t.macroF1)).toEqual(a.trials.map((t) => t.macroF1));
    expect(a).toMatchObject({ folds: 3, samples: texts.length, cut: false });
    // The choice is the best mean macro-F1, the defaults unless beaten by the margin.
    const best = Math.max(...a.trials.map((t) => t.macroF1!));
    const chosen = a.trials.find((t) => t.C === a.chosen.C && t.balancePower === a.chosen.balancePower)!;
    expect(chosen.macroF1 === best || (chosen === a.trials[0] && best - chosen.macroF1! <= 0.003)).toBe(true);
  });

  it('stops when the budget is spent: the defaults are always measured, untried settings stay empty', () => {
    let clock = 0;
    const result = tuneHead(vectorizer, matrix, labels, { seed: 3, budgetSeconds: 25, now: () => (clock += 10) });
    expect(result.cut).toBe(true);
    const tried = result.trials.filter((t) => t.macroF1 !== null);
    expect(tried.length).toBeGreaterThanOrEqual(1);
    expect(tried.length).toBeLessThan(TUNE_GRID.length);
    expect(result.trials[0]!.macroF1).not.toBeNull();
    expect(result.trials.slice(tried.length).every((t) => t.macroF1 === null)).toBe(true);
  });
});
