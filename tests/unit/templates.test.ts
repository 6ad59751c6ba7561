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
});
