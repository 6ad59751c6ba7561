import { describe, expect, it } from 'vitest';
import { detectUrgency } from '../../../src/ml/rules.ts';

describe('detectUrgency', () => {
  it('critical: whole office / production down (ru, kk, en)', () => {
    expect(detectUrgency('Интернет не работает у всех, весь отдел стоит').priority).toBe('critical');
    expect(detectUrgency('Production down: the CRM is unavailable').priority).toBe('critical');
    expect(detectUrgency('Барлық қызметкерлерде пошта істемейді').priority).toBe('critical');
  });

  it('high: urgent words with inflection', () => {
    const r = detectUrgency('СРОЧНО!!! Срочная замена картриджа');
    expect(r.priority).toBe('high');
    expect(r.matched).toContain('срочн*');
    expect(detectUrgency('Please fix ASAP').priority).toBe('high');
    expect(detectUrgency('Шұғыл түрде көмектесіңіз, тез арада').priority).toBe('high');
  });

  it('critical beats high, matched lists all cues highest first', () => {
    const r = detectUrgency('Срочно! Все сотрудники без почты');
    expect(r.priority).toBe('critical');
    expect(r.matched.indexOf('все сотрудники')).toBeLessThan(r.matched.indexOf('срочн*'));
  });

  it('medium and low', () => {
    expect(detectUrgency('Принтер не печатает').priority).toBe('medium');
    expect(detectUrgency('Подскажите, как сделать подпись в Outlook').priority).toBe('low');
  });

  it('negated urgency is not urgent', () => {
    const r = detectUrgency('Не срочно: замените мышку');
    expect(r.priority).toBe('low');
    expect(r.matched).not.toContain('срочн*');
    expect(detectUrgency('not urgent, new keyboard please').priority).toBe('low');
  });

  it('null when nothing matches; word boundaries respected', () => {
    expect(detectUrgency('Нужна новая мышь')).toEqual({ priority: null, matched: [] });
    expect(detectUrgency('asapov account').priority).toBe(null);
  });
});
