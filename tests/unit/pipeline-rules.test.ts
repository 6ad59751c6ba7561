import { describe, expect, it } from 'vitest';
import { deriveIssueType, derivePriority, type DeriveInput } from '../../src/services/classification/derive.ts';
import { DEFAULT_PIPELINE_CONFIG, mergeConfig } from '../../src/services/pipeline/config.ts';
import { decide, type ReferenceData } from '../../src/services/pipeline/decide.ts';
import { bestTemplate, compileTemplate, similarity, stems } from '../../src/services/pipeline/resolver.ts';
import { chooseOperator, recordAssignment, type OperatorLoad } from '../../src/services/pipeline/router.ts';

const op = (id: string, open: number, capacity: number, languages: OperatorLoad['languages'] = ['ru', 'kk', 'en'], extra: Partial<OperatorLoad> = {}): OperatorLoad => ({
  id,
  name: id,
  departmentId: 'd1',
  languages,
  capacity,
  open,
  active: true,
  lastAssignedAt: 0,
  ...extra,
});

describe('routing', () => {
  it('picks the least loaded operator who speaks the language and has room', () => {
    const ops = [op('anna', 5, 10), op('bolat', 1, 10, ['kk']), op('chris', 2, 4, ['en']), op('dana', 0, 3, ['ru'], { active: false })];
    const kk = chooseOperator(ops, 'd1', 'kk');
    expect(kk.operatorId).toBe('bolat');
    expect(kk.candidates.map((c) => [c.id, c.note])).toEqual([
      ['anna', 'load 5/10'],
      ['bolat', 'load 1/10'],
      ['chris', 'does not speak kk'],
      ['dana', 'inactive'],
    ]);
    expect(chooseOperator(ops, 'd1', 'en').operatorId).toBe('anna'); // 5/10 < 2/4
  });

  it('goes in turn between equally loaded operators and stops at capacity', () => {
    const ops = [op('a', 0, 1), op('b', 0, 1)];
    const first = chooseOperator(ops, 'd1', 'ru').operatorId!;
    recordAssignment(ops, first, 1000);
    const second = chooseOperator(ops, 'd1', 'ru').operatorId!;
    expect(new Set([first, second])).toEqual(new Set(['a', 'b']));
    recordAssignment(ops, second, 2000);
    const none = chooseOperator(ops, 'd1', 'ru');
    expect(none.operatorId).toBeNull();
    expect(none.reason).toBe('no operator is free for ru: left in the department queue');
  });
});

describe('template matching', () => {
  it('matches inflected Russian and Kazakh by stems, containment-style', () => {
    const template = compileTemplate({ id: 't', name: 'password-reset', categoryId: 'c', language: 'ru', answer: '' }, ['Забыл пароль от учётной записи']);
    const ticket = stems('Здравствуйте! Я забыл свой пароль, учетная запись заблокирована после трёх попыток.');
    expect(similarity(ticket, template.examples[0]!)).toBeGreaterThanOrEqual(0.75);
    expect(bestTemplate(stems('Принтер не печатает'), [template])).toBeNull();
    const kk = compileTemplate({ id: 'k', name: 'password-reset', categoryId: 'c', language: 'kk', answer: '' }, ['Құпиясөзді ұмытып қалдым']);
    expect(bestTemplate(stems('Құпиясөзімді ұмытып қалдым, кіре алмаймын'), [kk])?.similarity).toBe(1);
  });
});

describe('derived priority and issue type', () => {
  const input = (text: string, extra: Partial<DeriveInput> = {}): DeriveInput => ({
    text,
    heads: {},
    categoryDefaultPriority: 'low',
    templateMatch: null,
    headThreshold: 0.6,
    templateThreshold: 0.3,
    ...extra,
  });

  it('takes urgency words over a lower category default, and says so', () => {
    expect(derivePriority(input('СРОЧНО! Не работает 1С у всего отдела'))).toMatchObject({ value: 'critical', source: 'urgency_words' });
    expect(derivePriority(input('Шұғыл: принтер істемейді'))).toMatchObject({ value: 'high', source: 'urgency_words' });
    expect(derivePriority(input('Please order a new mouse'))).toMatchObject({ value: 'low', source: 'category_default' });
    expect(derivePriority(input('Please order a new mouse', { categoryDefaultPriority: null }))).toMatchObject({ value: 'medium', source: 'rules' });
    expect(derivePriority(input('anything', { heads: { priority: { label: 'high', confidence: 0.9, top: [] } } }))).toMatchObject({ value: 'high', source: 'model', confidence: 0.9 });
  });

  it('makes a ticket auto_resolvable only when a template matches well enough', () => {
    expect(deriveIssueType(input('forgot password', { templateMatch: { name: 'password-reset', similarity: 0.5, matched: 2, focus: 1 } }))).toMatchObject({ value: 'auto_resolvable', source: 'template_match' });
    expect(deriveIssueType(input('forgot password', { templateMatch: { name: 'password-reset', similarity: 0.2, matched: 2, focus: 1 } }))).toMatchObject({ value: 'simple', source: 'rules' });
    expect(deriveIssueType(input('forgot password', { templateMatch: { name: 'password-reset', similarity: 1, matched: 1, focus: 1 } }))).toMatchObject({ value: 'simple', source: 'rules' });
    expect(deriveIssueType(input('URGENT: production down for everyone'))).toMatchObject({ value: 'complex', source: 'urgency_words' });
  });
});

describe('decisions', () => {
  const reference: ReferenceData = {
    categoriesByName: new Map([['access', { id: 'cat-access', name: 'Access', defaultDepartmentId: 'd1', defaultPriority: 'high' }]]),
    departmentsByName: new Map([
      ['access management', { id: 'd1', name: 'Access Management' }],
      ['service desk', { id: 'd0', name: 'Service Desk' }],
    ]),
    departmentNames: new Map([
      ['d1', 'Access Management'],
      ['d0', 'Service Desk'],
    ]),
    triageDepartmentId: 'd0',
    templates: new Map([['cat-access/en', [compileTemplate({ id: 'tpl', name: 'password-reset', categoryId: 'cat-access', language: 'en', answer: 'Hi {{client_name}}' }, ['forgot my password', 'account locked'])]]]),
  };
  const config = DEFAULT_PIPELINE_CONFIG;
  const heads = (confidence: number) => ({ category: { label: 'Access', confidence, top: [{ label: 'Access', p: confidence }] } });

  it('auto-resolves a confident, template-matching ticket', () => {
    const record = decide({ id: 't1', text: 'I forgot my password again', language: 'en' }, heads(0.9), reference, [op('a', 0, 5)], config);
    expect(record.decision).toBe('auto_resolved');
    expect(record.template?.name).toBe('password-reset');
    expect(record.reason).toContain('template "password-reset" matches');
  });

  it('escalates an unsure one to the triage department', () => {
    const record = decide({ id: 't2', text: 'something is wrong', language: 'en' }, heads(0.2), reference, [op('a', 0, 5)], config);
    expect(record).toMatchObject({ decision: 'escalated', departmentId: 'd0', departmentSource: 'triage', operatorId: null });
    expect(record.reason).toBe('category Access at 20% < escalation threshold 35%: escalated to Service Desk');
  });

  it('routes the rest to the category default department and an operator, or its queue', () => {
    const routed = decide({ id: 't3', text: 'need access to the finance share', language: 'en' }, heads(0.8), reference, [op('a', 0, 5)], config);
    expect(routed).toMatchObject({ decision: 'routed', departmentId: 'd1', departmentSource: 'category_default', operatorId: 'a' });
    const queued = decide({ id: 't4', text: 'need access to the finance share', language: 'en' }, heads(0.8), reference, [op('a', 5, 5)], config);
    expect(queued).toMatchObject({ decision: 'queued', departmentId: 'd1', operatorId: null });
  });
});

describe('pipeline configuration', () => {
  it('validates thresholds, SLA hours and time zones', () => {
    expect(mergeConfig(DEFAULT_PIPELINE_CONFIG, { thresholds: { escalate: 0.5 } }, 'x').thresholds.escalate).toBe(0.5);
    expect(() => mergeConfig(DEFAULT_PIPELINE_CONFIG, { thresholds: { escalate: 2 } }, 'cfg.json')).toThrow('cfg.json: thresholds.escalate: expected a number from 0 to 1, got 2');
    expect(() => mergeConfig(DEFAULT_PIPELINE_CONFIG, { thresholds: { escalate: 0.9, autoResolve: 0.5 } }, 'x')).toThrow('must not exceed');
    expect(() => mergeConfig(DEFAULT_PIPELINE_CONFIG, { slaHours: { urgent: 1 } }, 'x')).toThrow('unknown priority "urgent"');
    expect(() => mergeConfig(DEFAULT_PIPELINE_CONFIG, { timeZone: 'Mars/Olympus' }, 'x')).toThrow('unknown time zone');
    expect(() => mergeConfig(DEFAULT_PIPELINE_CONFIG, { colour: 'red' }, 'x')).toThrow('unknown setting "colour"');
  });
});
