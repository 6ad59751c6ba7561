import { describe, expect, it } from 'vitest';
import { placeholdersIn, renderTemplate, validateTemplate } from '../../src/services/reference/templates.ts';

describe('answer templates', () => {
  it('finds placeholders and renders them', () => {
    const answer = 'Здравствуйте, {{client_name}}! Заявка №{{ ticket_number }} закрыта.';
    expect(placeholdersIn(answer)).toEqual(['client_name', 'ticket_number']);
    expect(renderTemplate(answer, { client_name: 'Айгерим', ticket_number: '1042', subject: '', category: '', department: '' })).toBe(
      'Здравствуйте, Айгерим! Заявка №1042 закрыта.',
    );
  });

  it('rejects unknown placeholders and broken braces when saved', () => {
    expect(() => validateTemplate('Hi {{clientname}}', 'template x')).toThrow('template x: unknown placeholder {{clientname}}');
    expect(() => validateTemplate('Hi {{client_name}', 'template x')).toThrow('unbalanced');
    expect(() => validateTemplate('   ', 'template x')).toThrow('answer is empty');
    expect(() => validateTemplate('Hi {{client_name}}', 'template x')).not.toThrow();
  });

  // Issue 11: a ticket without a user must not read "Hello , We have received ...".
  const noName = { client_name: '', ticket_number: '#7', subject: 's', category: 'c', department: '' };
  it.each([
    ['Hello {{client_name}},\n\nWe have received your request {{ticket_number}}.', 'Hello,\n\nWe have received your request #7.'],
    ['Здравствуйте, {{client_name}}!\n\nВаше обращение {{ticket_number}} получено.', 'Здравствуйте!\n\nВаше обращение #7 получено.'],
    ['Сәлеметсіз бе, {{client_name}}!\n\nСіздің {{ticket_number}} өтінішіңіз қабылданды.', 'Сәлеметсіз бе!\n\nСіздің #7 өтінішіңіз қабылданды.'],
    ['Dear {{ client_name }}, thanks.', 'Dear, thanks.'],
    ['{{client_name}}, your request {{ticket_number}} is done.', 'your request #7 is done.'],
    ['Team {{department}} will call you.', 'Team will call you.'],
  ])('renders a neutral greeting without a name: %j', (answer, expected) => {
    expect(renderTemplate(answer, noName)).toBe(expected);
    expect(renderTemplate(answer, { ...noName, client_name: '   ' })).toBe(expected);
  });

  it('every demo template reads well without a name: no empty greeting', async () => {
    const { readFileSync } = await import('node:fs');
    const responses = JSON.parse(readFileSync(new URL('../../fixtures/responses.json', import.meta.url), 'utf8')) as { answer: string }[];
    for (const { answer } of responses) {
      const text = renderTemplate(answer, noName);
      expect(text).not.toMatch(/\s[,!]/);
      expect(text).not.toContain('{{');
      expect(text.split('\n')[0]).toMatch(/^(Hello|Здравствуйте|Сәлеметсіз бе)[,!]$/);
    }
  });
});
