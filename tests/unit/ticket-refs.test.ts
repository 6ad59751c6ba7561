import { describe, expect, it } from 'vitest';
import { parseTicketRef, refsFromText } from '../../src/services/tickets/references.ts';

describe('ticket references', () => {
  it.each([
    ['42', { kind: 'number', number: '42' }],
    ['#0042', { kind: 'number', number: '42' }],
    [' 7 ', { kind: 'number', number: '7' }],
    ['01A23447-412F-700A-9F8F-898F021192AD', { kind: 'id', id: '01a23447-412f-700a-9f8f-898f021192ad' }],
    ['email:MSG-2211', { kind: 'external', source: 'email', externalId: 'MSG-2211' }],
    ['Chat:a:b', { kind: 'external', source: 'chat', externalId: 'a:b' }],
  ])('%s', (text, expected) => {
    expect(parseTicketRef(text)).toEqual(expected);
  });

  it.each(['abc', 'fax:1', 'email:', '#', '12.5', ''])('"%s" is an error naming it and where it was', (text) => {
    expect(() => parseTicketRef(text, 'refs.txt: line 3: ')).toThrow(`refs.txt: line 3: "${text}" is not a ticket: give a number (42 or #42), an id, or source:external-id (email:MSG-2211)`);
  });

  it('a file: one reference per line, blank lines and "# " comments skipped, line numbers kept', () => {
    expect(refsFromText('\uFEFF# tickets to confirm\n12\r\n\n  #13  \n', 'f.txt')).toEqual([
      { text: '12', where: 'f.txt: line 2: ' },
      { text: '#13', where: 'f.txt: line 4: ' },
    ]);
  });
});
