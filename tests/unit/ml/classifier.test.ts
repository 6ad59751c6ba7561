import { describe, expect, it } from 'vitest';
import {
  deserializeModel,
  evaluateModel,
  predict,
  predictMany,
  serializeModel,
  stratifiedSplit,
  trainClassifier,
  trainHeads,
} from '../../../src/ml/index.ts';
import type { Sample } from '../../../src/ml/index.ts';

const BASE: Record<string, string[]> = {
  printer: [
    'Принтер не печатает',
    'Принтер зажевал бумагу',
    'Закончился картридж в принтере',
    'Принтер пишет ошибку offline',
    'Принтер жұмыс істемейді',
    'Принтерде қағаз кептеліп қалды',
    'Картридж бітті, принтер басып шығармайды',
    'Printer is not printing',
    'Paper jam in the printer on the 3rd floor',
    'Printer cartridge is empty, please replace',
  ],
  password: [
    'Забыл пароль от почты',
    'Сбросьте пароль, учетная запись заблокирована',
    'Не могу войти, неверный пароль',
    'Пароль истек, нужно сменить пароль',
    'Құпиясөзді ұмытып қалдым',
    'Парольді қалпына келтіріңіз, аккаунт бұғатталды',
    'Жүйеге кіре алмаймын, пароль қате',
    'I forgot my password',
    'Please reset my password, account locked',
    'Password expired and I cannot log in',
  ],
  network: [
    'Нет интернета в кабинете',
    'Не подключается VPN',
    'Wi-Fi не работает, сеть недоступна',
    'Очень медленный интернет',
    'Интернет жоқ, желі істемейді',
    'VPN қосылмайды',
    'Wi-Fi желісі баяу жұмыс істейді',
    'No internet connection in the office',
    'VPN does not connect from home',
    'Wi-Fi network keeps dropping',
  ],
};

function samples(): Sample[] {
  const out: Sample[] = [];
  for (const [label, texts] of Object.entries(BASE)) {
    for (const t of texts) {
      out.push({ text: t, label });
      out.push({ text: `${t} срочно, спасибо`, label });
      out.push({ text: `Hello, ${t.toLowerCase()}. Thanks`, label });
    }
  }
  return out;
}

const OPTS = { seed: 7, holdout: 0.25, vectorizer: { bits: 16 } } as const;

describe('classifier end-to-end', () => {
  const data = samples();
  const res = trainClassifier(data, OPTS);

  it('learns the training data and reports holdout metrics', () => {
    expect(res.model.labels).toEqual(['network', 'password', 'printer']);
    expect(res.holdoutMetrics!.n).toBe(24); // 25 % of 30 per class → 8 × 3
    expect(res.holdoutMetrics!.macroF1).toBeGreaterThan(0.6);
    // The calibration error the holdout reports is the one its own predictions give, computed
    // here independently (10 equal-width bins), and a fitted temperature keeps it small.
    const m0 = evaluateModel(res.model, data);
    const preds = predictMany(res.model, data.map((s) => s.text), 1);
    const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
    preds.forEach((p, i) => {
      const bin = bins[Math.min(9, Math.max(0, Math.ceil(p.confidence * 10) - 1))]!;
      bin.n++;
      bin.conf += p.confidence;
      if (p.label === data[i]!.label) bin.right++;
    });
    const ece = bins.reduce((sum, b) => (b.n ? sum + (b.n / data.length) * Math.abs(b.right / b.n - b.conf / b.n) : sum), 0);
    expect(m0.ece).toBeCloseTo(ece, 12);
    expect(res.holdoutMetrics!.ece!).toBeLessThan(0.35);
    expect(res.model.temperature).toBeGreaterThan(0);
    const m = evaluateModel(res.model, data);
    expect(m.accuracy).toBeGreaterThan(0.95);
  });

  it('predicts unseen ru / kk / en texts', () => {
    expect(predict(res.model, 'Принтер опять не печатает, бумага застряла').label).toBe('printer');
    expect(predict(res.model, 'Сбросьте, пожалуйста, пароль').label).toBe('password');
    expect(predict(res.model, 'Кеңседе интернет жоқ').label).toBe('network');
    expect(predict(res.model, 'cannot connect to vpn').label).toBe('network');
  });

  it('returns top-3 probabilities that sum to 1 and are sorted', () => {
    const p = predict(res.model, 'пароль');
    expect(p.top).toHaveLength(3);
    expect(p.top[0]!.label).toBe(p.label);
    expect(p.top[0]!.p).toBe(p.confidence);
    expect(p.top[0]!.p).toBeGreaterThanOrEqual(p.top[1]!.p);
    expect(p.top[1]!.p).toBeGreaterThanOrEqual(p.top[2]!.p);
    expect(p.top.reduce((s, t) => s + t.p, 0)).toBeCloseTo(1, 6);
  });

  it('is deterministic for a seed (identical serialized bytes)', () => {
    const again = trainClassifier(data, OPTS);
    expect(Buffer.from(serializeModel(again.model)).equals(Buffer.from(serializeModel(res.model)))).toBe(true);
    const other = trainClassifier(data, { ...OPTS, seed: 8 });
    expect(Buffer.from(serializeModel(other.model)).equals(Buffer.from(serializeModel(res.model)))).toBe(false);
  });

  it('serialize / deserialize round trip gives identical predictions', () => {
    for (const compress of [true, false]) {
      const bytes = serializeModel(res.model, { compress });
      expect(bytes[0]).toBe(0x48);
      const back = deserializeModel(bytes);
      const texts = [...data.map((s) => s.text), 'совсем новый текст', 'мүлдем жаңа мәтін', ''];
      expect(predictMany(back, texts)).toEqual(predictMany(res.model, texts));
      expect(serializeModel(back, { compress })).toEqual(bytes);
    }
    const raw = trainClassifier(data, { ...OPTS, quantize: false });
    const back = deserializeModel(serializeModel(raw.model));
    expect(predictMany(back, ['принтер', 'vpn'])).toEqual(predictMany(raw.model, ['принтер', 'vpn']));
  });

  it('rejects corrupt artifacts', () => {
    expect(() => deserializeModel(new Uint8Array([1, 2, 3, 4, 5, 6]))).toThrow();
    const bytes = serializeModel(res.model, { compress: false });
    expect(() => deserializeModel(bytes.subarray(0, bytes.length - 10))).toThrow();
  });

  it('trains several heads on one shared vectorizer, skipping unknown labels', () => {
    const texts = data.map((s) => s.text);
    const lang = texts.map((t) => (/[a-z]/i.test(t) && !/[а-я]/i.test(t) ? 'en' : 'cyr'));
    const partial = data.map((s, i) => (i % 3 === 0 ? null : s.label));
    const { vectorizer, heads } = trainHeads(texts, { category: partial, script: lang }, { ...OPTS, holdout: 0 });
    expect(heads['category']!.model.vectorizer).toBe(vectorizer);
    expect(heads['script']!.model.vectorizer).toBe(vectorizer);
    expect(predict(heads['script']!.model, 'printer is broken').label).toBe('en');
    expect(predict(heads['category']!.model, 'Принтер не печатает').label).toBe('printer');
  });

  it('stratified split keeps class proportions and is seeded', () => {
    const y = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const [tr, ho] = stratifiedSplit(y, 0.25, 1);
    expect(tr.length + ho.length).toBe(100);
    expect(Array.from(ho).filter((i) => y[i] === 1)).toHaveLength(5);
    expect(Array.from(ho).filter((i) => y[i] === 0)).toHaveLength(20);
    expect(stratifiedSplit(y, 0.25, 1)).toEqual([tr, ho]);
  });
});

describe('vectorizer settings', () => {
  it.each([0, 3, 1.5])('refuses word n-grams up to %s: only unigrams and bigrams are hashed', async (wordNgramMax) => {
    const { fitTransform } = await import('../../../src/ml/features.ts');
    expect(() => fitTransform(['printer jam on floor three', 'vpn drops every hour'], { wordNgramMax })).toThrow('wordNgramMax must be 1 or 2');
  });
});
