import { describe, expect, it } from 'vitest';
import { detectLanguage, DEFAULT_LANGUAGE } from '../../../src/ml/language.ts';

const lang = (t: string) => detectLanguage(t).language;

describe('detectLanguage', () => {
  it('detects Russian', () => {
    expect(lang('Здравствуйте, у меня не включается компьютер, помогите пожалуйста')).toBe('ru');
    expect(lang('Нет доступа к общей папке бухгалтерии')).toBe('ru');
    expect(lang('Принтер зажевал бумагу')).toBe('ru');
  });

  it('detects Kazakh with Kazakh-only letters', () => {
    expect(lang('Сәлеметсіз бе, принтер жұмыс істемейді, көмектесіңіз')).toBe('kk');
    expect(lang('Электрондық пошта ашылмайды')).toBe('kk');
    expect(lang('Компьютерге кіре алмаймын, құпиясөз ұмытып қалдым')).toBe('kk');
  });

  it('detects Kazakh without special letters', () => {
    expect(lang('Интернет жоқ')).toBe('kk'); // қ
    expect(lang('Рахмет')).toBe('kk');
    expect(lang('Маган жана пароль керек')).toBe('kk');
    expect(lang('Бойынша емес')).toBe('kk');
    expect(lang('Принтер мен сканер бар, бiрак басып шыгармайды')).toBe('kk'); // Latin i typed for і
    expect(lang('Компьютерлер ашылмайды')).toBe('kk');
  });

  it('detects English', () => {
    expect(lang('My laptop does not boot after the update')).toBe('en');
    expect(lang('Please reset my password')).toBe('en');
  });

  it('treats Russian with English product names as Russian', () => {
    expect(lang('Outlook не работает')).toBe('ru');
    expect(lang('VPN не подключается через Cisco AnyConnect')).toBe('ru');
    expect(lang('Не могу зайти в Microsoft Teams')).toBe('ru');
    expect(lang('Outlook ашылмайды')).toBe('kk');
  });

  it('handles very short texts', () => {
    expect(lang('принтер')).toBe('ru');
    expect(lang('Сәлем')).toBe('kk');
    expect(lang('help')).toBe('en');
    expect(lang('VPN')).toBe('en');
  });

  it('returns the documented default with confidence 0 for texts without letters', () => {
    for (const t of ['', '   ', '12345', '+7 701 123 45 67', '!!!']) {
      const r = detectLanguage(t);
      expect(r.language).toBe(DEFAULT_LANGUAGE);
      expect(r.confidence).toBe(0);
      expect(r.scores).toEqual({ ru: 0, kk: 0, en: 0 });
    }
    expect(detectLanguage('', { fallback: 'ru' }).language).toBe('ru');
  });

  it('returns normalised scores and a confidence in (0, 1]', () => {
    const r = detectLanguage('Принтер жұмыс істемейді');
    const sum = r.scores.ru + r.scores.kk + r.scores.en;
    expect(sum).toBeCloseTo(1, 6);
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.scores.kk).toBeGreaterThan(r.scores.ru);
    // thin evidence gives a lower confidence than strong evidence
    expect(detectLanguage('принтер').confidence).toBeLessThan(
      detectLanguage('Здравствуйте, у меня не работает принтер и не печатает').confidence,
    );
  });
});
