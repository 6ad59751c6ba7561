import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../../src/ml/classifier.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../../src/services/pipeline/config.ts';
import { assess, decide, humanFields, route, type DecisionRecord, type HumanSet, type ReferenceData } from '../../../src/services/pipeline/decide.ts';
import { compileTemplate } from '../../../src/services/pipeline/resolver.ts';
import type { OperatorLoad } from '../../../src/services/pipeline/router.ts';

// Issue 18: each branch of the decision, with the whole record a ticket gets (decision, where it
// goes and why, in the words `pipeline explain` shows), one case a row. Thresholds: autoResolve
// 0.6, escalate 0.35, department 0.6, templateMatch 0.5 (DEFAULT_PIPELINE_CONFIG).

const reference: ReferenceData = {
  categoriesByName: new Map([
    ['access', { id: 'cat-a', name: 'Access', defaultDepartmentId: 'dA', defaultPriority: 'high' }],
    ['hardware', { id: 'cat-h', name: 'Hardware', defaultDepartmentId: 'dH', defaultPriority: 'low' }],
    ['orphan', { id: 'cat-o', name: 'Orphan', defaultDepartmentId: 'd-gone', defaultPriority: 'medium' }],
  ]),
  departmentsByName: new Map([
    ['access management', { id: 'dA', name: 'Access Management' }],
    ['hardware desk', { id: 'dH', name: 'Hardware Desk' }],
    ['service desk', { id: 'dT', name: 'Service Desk' }],
  ]),
  departmentNames: new Map([
    ['dA', 'Access Management'],
    ['dH', 'Hardware Desk'],
    ['dT', 'Service Desk'],
  ]),
  triageDepartmentId: 'dT',
  templates: new Map([['cat-a/en', [compileTemplate({ id: 'tpl', name: 'password-reset', categoryId: 'cat-a', language: 'en', answer: 'Hi' }, ['forgot my password', 'account locked'])]]]),
};
const op = (id: string, departmentId: string, open = 0): OperatorLoad => ({ id, name: `Op ${id}`, departmentId, languages: ['ru', 'kk', 'en'], capacity: 5, open, active: true, lastAssignedAt: 0 });
const operators = (): OperatorLoad[] => [op('a1', 'dA'), op('h1', 'dH'), op('t1', 'dT')];
const head = (label: string, confidence: number): Prediction => ({ label, confidence, top: [{ label, p: confidence }] });

interface Case {
  name: string;
  text: string;
  language?: 'en' | 'ru' | 'kk' | null;
  heads: Partial<Record<'category' | 'department' | 'issue_type' | 'priority', Prediction>>;
  human?: HumanSet;
  ops?: OperatorLoad[];
  want: Partial<DecisionRecord>;
}
const PASSWORD = 'I forgot my password';
const ACCESS = 'Need access to the finance share';

const cases: Case[] = [
  {
    // "forgot", "password": 2 stems of the ticket's 2 ("I", "my" are too short), 2 of the example's 2
    name: 'auto-resolved: auto_resolvable, template matches, confident',
    text: PASSWORD,
    heads: { category: head('Access', 0.9) },
    want: {
      decision: 'auto_resolved',
      reason: 'auto_resolvable; template "password-reset" matches 100% with 2 stems, 100% of the ticket (≥ 50%, ≥ 2, ≥ 20%); category Access at 90% ≥ 60%',
      categoryId: 'cat-a', categoryName: 'Access', confidence: 0.9, predictedCategoryId: 'cat-a',
      departmentId: null, departmentSource: null, operatorId: null, routing: null, holdBack: [], human: [],
    },
  },
  {
    name: 'the issue type head says complex: not auto-resolved although a template matches',
    text: PASSWORD,
    heads: { category: head('Access', 0.9), issue_type: head('complex', 0.9) },
    want: { decision: 'routed', departmentId: 'dA', departmentSource: 'category_default', operatorId: 'a1' },
  },
  {
    name: 'a category the reference does not know: escalated, confidence 0',
    text: ACCESS,
    heads: { category: head('Printers', 0.95) },
    want: {
      decision: 'escalated',
      reason: 'predicted category "Printers" is not a known category: escalated to Service Desk',
      categoryId: null, categoryName: null, confidence: 0, predictedCategoryId: null,
      departmentId: 'dT', departmentSource: 'triage', operatorId: null, routing: null,
    },
  },
  {
    name: 'no category head at all: escalated',
    text: ACCESS,
    heads: {},
    want: { decision: 'escalated', reason: 'the model has no category head: escalated to Service Desk', confidence: 0, departmentId: 'dT' },
  },
  {
    name: 'no language: no template is looked for, routed',
    text: PASSWORD,
    language: null,
    heads: { category: head('Access', 0.9) },
    want: { decision: 'routed', template: null, departmentId: 'dA', operatorId: 'a1' },
  },
  {
    name: "routed to the category's default department, the department head below its threshold",
    text: ACCESS,
    heads: { category: head('Access', 0.8), department: head('Hardware Desk', 0.59) },
    want: {
      decision: 'routed',
      reason: 'category Access at 80%; Access Management, the default of category Access (department head 59% < 60%); Op a1: least loaded (0/5) of 1 eligible',
      departmentId: 'dA', departmentSource: 'category_default', operatorId: 'a1',
      routing: { candidates: [{ id: 'a1', name: 'Op a1', open: 0, capacity: 5, eligible: true, note: 'load 0/5' }], reason: 'Op a1: least loaded (0/5) of 1 eligible' },
    },
  },
  {
    name: 'routed by a confident department head',
    text: ACCESS,
    heads: { category: head('Access', 0.8), department: head('Hardware Desk', 0.6) },
    want: {
      decision: 'routed',
      reason: 'category Access at 80%; department head Hardware Desk at 60% ≥ 60%; Op h1: least loaded (0/5) of 1 eligible',
      departmentId: 'dH', departmentSource: 'model', operatorId: 'h1',
    },
  },
  {
    name: 'a department head naming no known department: the category default',
    text: ACCESS,
    heads: { category: head('Access', 0.8), department: head('Nowhere', 0.99) },
    want: { decision: 'routed', departmentId: 'dA', departmentSource: 'category_default', reason: 'category Access at 80%; Access Management, the default of category Access (department head 99% < 60%); Op a1: least loaded (0/5) of 1 eligible' },
  },
  {
    name: 'no department head: the category default, no head mentioned',
    text: ACCESS,
    heads: { category: head('Access', 0.8) },
    want: { decision: 'routed', reason: 'category Access at 80%; Access Management, the default of category Access; Op a1: least loaded (0/5) of 1 eligible' },
  },
  {
    name: "a category whose default department has no name here: named by its id, queued",
    text: ACCESS,
    heads: { category: head('Orphan', 0.8) },
    want: { decision: 'queued', departmentId: 'd-gone', reason: 'category Orphan at 80%; d-gone, the default of category Orphan; the department has no operators: left in the department queue' },
  },
  {
    // "hacked" is both a security cue and a critical urgency cue
    name: 'held back by words and by a person: both named, the person last',
    text: 'My account was hacked, I forgot my password',
    heads: { category: head('Access', 0.9) },
    human: { operatorId: 'a1' },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: security incident words: hacked; urgency words: hacked; a person set operator; category Access at 90%; Access Management, the default of category Access (kept from a person: operator); operator Op a1 set by a person',
      operatorId: 'a1', departmentId: 'dA', departmentSource: 'category_default',
      routing: { candidates: [], reason: 'operator Op a1 set by a person' },
      human: ['operator'],
    },
  },
  {
    name: "a person's priority is kept; an unsure model does not escalate a ticket a person routed to a department",
    text: ACCESS,
    heads: { category: head('Access', 0.1) },
    human: { priority: 'critical', departmentId: 'dH' },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: a person set priority, department; category Access at 10%; department Hardware Desk set by a person (kept from a person: priority, department); Op h1: least loaded (0/5) of 1 eligible',
      priority: { value: 'critical', source: 'person', confidence: null, detail: 'set by a person' },
      departmentId: 'dH', departmentSource: 'person', operatorId: 'h1', human: ['priority', 'department'],
    },
  },
  {
    name: 'a person took the priority away: the derived priority stands',
    text: ACCESS,
    heads: { category: head('Access', 0.8) },
    human: { priority: null },
    want: { priority: { value: 'high', source: 'category_default', confidence: null, detail: "the category's default priority" }, human: ['priority'] },
  },
  {
    name: 'a person took the department away: the category default',
    text: ACCESS,
    heads: { category: head('Access', 0.8) },
    human: { departmentId: null },
    want: { decision: 'routed', departmentId: 'dA', departmentSource: 'category_default', operatorId: 'a1' },
  },
  {
    name: "a department a person set that the reference does not name: named by its id",
    text: ACCESS,
    heads: { category: head('Access', 0.8) },
    human: { departmentId: 'd-new' },
    want: { decision: 'queued', departmentId: 'd-new', departmentSource: 'person', reason: 'not auto-resolved: a person set department; category Access at 80%; department d-new set by a person (kept from a person: department); the department has no operators: left in the department queue' },
  },
  {
    name: "a person's category: its default department, whatever the department head says",
    text: ACCESS,
    heads: { category: head('Access', 0.9), department: head('Access Management', 0.95) },
    human: { categoryId: 'cat-h' },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: a person set category; category Hardware set by a person (model: Access at 90%); Hardware Desk, the default of category Hardware (kept from a person: category); Op h1: least loaded (0/5) of 1 eligible',
      categoryId: 'cat-h', categoryName: 'Hardware', predictedCategoryId: 'cat-a', departmentId: 'dH', departmentSource: 'category_default',
    },
  },
  {
    name: 'a person removed the category: the triage department, not escalated',
    text: ACCESS,
    heads: { category: head('Access', 0.9) },
    human: { categoryId: null },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: a person set category; category none set by a person (model: Access at 90%); Service Desk, the triage department (no known category) (kept from a person: category); Op t1: least loaded (0/5) of 1 eligible',
      categoryId: null, categoryName: null, departmentId: 'dT', departmentSource: 'category_default',
    },
  },
  {
    name: 'a category a person set that the reference does not know, the model unsure of its own',
    text: ACCESS,
    heads: { category: head('Printers', 0.9) },
    human: { categoryId: 'cat-new' },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: a person set category; category cat-new set by a person (model: none); Service Desk, the triage department (no known category) (kept from a person: category); Op t1: least loaded (0/5) of 1 eligible',
      categoryId: 'cat-new', categoryName: null, predictedCategoryId: null, departmentId: 'dT',
    },
  },
  {
    name: "an operator a person chose in another department: the ticket follows them",
    text: ACCESS,
    heads: { category: head('Access', 0.1) },
    human: { operatorId: 'h1' },
    want: {
      decision: 'routed',
      reason: 'not auto-resolved: a person set operator; category Access at 10%; Access Management, the default of category Access (kept from a person: operator); operator Op h1 set by a person, in their department',
      departmentId: 'dH', departmentSource: 'operator', operatorId: 'h1',
      routing: { candidates: [], reason: 'operator Op h1 set by a person, in their department' },
    },
  },
  {
    name: 'an operator and a department a person chose: the department stays',
    text: ACCESS,
    heads: { category: head('Access', 0.9) },
    human: { operatorId: 'h1', departmentId: 'dT' },
    want: { decision: 'routed', departmentId: 'dT', departmentSource: 'person', operatorId: 'h1', routing: { candidates: [], reason: 'operator Op h1 set by a person' } },
  },
  {
    name: 'an operator a person chose who is not among the loads: kept by id, department unchanged',
    text: ACCESS,
    heads: { category: head('Access', 0.9) },
    human: { operatorId: 'x9' },
    want: { decision: 'routed', departmentId: 'dA', departmentSource: 'category_default', operatorId: 'x9', routing: { candidates: [], reason: 'operator x9 set by a person' } },
  },
  {
    name: 'a person took the operator away: queued in the department',
    text: ACCESS,
    heads: { category: head('Access', 0.9) },
    human: { operatorId: null },
    want: {
      decision: 'queued',
      reason: 'not auto-resolved: a person set operator; category Access at 90%; Access Management, the default of category Access (kept from a person: operator); no operator, as a person set it: left in the department queue',
      departmentId: 'dA', departmentSource: 'category_default', operatorId: null,
      routing: { candidates: [], reason: 'no operator, as a person set it: left in the department queue' },
    },
  },
  {
    name: 'escalated with a person-set priority: held and kept are both in the reason',
    text: ACCESS,
    heads: { category: head('Access', 0.2) },
    human: { priority: 'low' },
    want: {
      decision: 'escalated',
      reason: 'not auto-resolved: a person set priority; category Access at 20% < escalation threshold 35%: escalated to Service Desk (kept from a person: priority)',
      departmentId: 'dT', departmentSource: 'triage',
    },
  },
];

describe('decide: the whole record, case by case', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const record = decide({ id: 't', text: c.text, language: c.language === undefined ? 'en' : c.language, ...(c.human ? { human: c.human } : {}) }, c.heads, reference, c.ops ?? operators(), DEFAULT_PIPELINE_CONFIG);
    expect(record).toMatchObject(c.want);
  });
});

describe('humanFields and route', () => {
  it('lists what a person set, in the fixed order', () => {
    expect(humanFields(undefined)).toEqual([]);
    expect(humanFields({})).toEqual([]);
    expect(humanFields({ operatorId: null, categoryId: 'c', priority: 'low', departmentId: null })).toEqual(['category', 'priority', 'department', 'operator']);
  });

  it('a final assessment is the decision whatever the operators', () => {
    const a = assess({ id: 't', text: ACCESS, language: 'en' }, { category: head('Access', 0.2) }, reference, DEFAULT_PIPELINE_CONFIG);
    expect(a.final?.decision).toBe('escalated');
    expect(route(a, [])).toBe(a.final);
  });
});
