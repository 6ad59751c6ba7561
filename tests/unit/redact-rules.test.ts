import { describe, expect, it } from 'vitest';
import { redact } from '../../src/services/export/redact.ts';

// Issue 18: the redaction rules at their edges (how many digits make which tag), e-mail addresses,
// and what stays. One text a row, with the exact result.

const CASES: [string, string, string][] = [
  // international: + and 7 to 15 digits is a phone
  ['+ and 7 digits', 'call +1234567 now', 'call [phone] now'],
  ['+ and 15 digits', 'call +123456789012345', 'call [phone]'],
  ['+ and 16 digits is a card number', 'pay +1234567890123456', 'pay [card]'],
  ['+ and 12 digits together is an IIN', 'id +900101300123', 'id [iin]'],
  ['+ and 12 digits in groups is a phone', 'call +90 0101 300 123', 'call [phone]'],
  ['full-width plus', 'call \uff0b7 701 123 45 67', 'call [phone]'],
  // 12 digits: IIN/BIN; 13 to 19: card
  ['12 digits', '900101300123', '[iin]'],
  ['13 digits', '4111111111111', '[card]'],
  ['19 digits', '4111111111111111111', '[card]'],
  ['20 digits stay', '41111111111111111111', '41111111111111111111'],
  // 11 digits: a phone when it starts with 7 or 8
  ['11 digits from 8', '87011234567', '[phone]'],
  ['11 digits from 7', '77011234567', '[phone]'],
  ['11 digits from 9 stay', '97011234567', '97011234567'],
  // 10 digits: in groups, or together from 6 or 7
  ['10 digits in groups', '701 123 45 67', '[phone]'],
  ['10 digits with dots', '701.123.45.67', '[phone]'],
  ['10 digits together from 7', '7011234567', '[phone]'],
  ['10 digits together from 6', '6011234567', '[phone]'],
  ['10 digits together from 5 stay', '5011234567', '5011234567'],
  // 7 digits: a city number only as 3-2-2 with spaces or dashes
  ['7 digits 3-2-2', 'тел 250-12-34', 'тел [phone]'],
  ['7 digits 3 2 2', 'тел 250 12 34', 'тел [phone]'],
  ['7 digits with dots stay', '250.12.34', '250.12.34'],
  ['7 digits together stay', '2501234', '2501234'],
  ['8 digits stay', '2501234 5', '2501234 5'],
  ['9 digits stay', '123 456 789', '123 456 789'],
  // tabs and brackets
  ['a tab between groups', '8\t701\t123\t45\t67', '[phone]'],
  ['brackets on both sides go with the number', '(87011234567)', '[phone]'],
  ['full-width brackets on both sides go with the number', '（87011234567）', '[phone]'],
  ['brackets inside the number are part of it', '8 (701) 123-45-67', '[phone]'],
  ['a bracket only before', 'номер (8 701 123 45 67 ', 'номер ([phone] '],
  ['a bracket only after', 'номер 8 701 123 45 67)', 'номер [phone])'],
  // other digits
  ['Devanagari IIN', '९००१०१३००१२३', '[iin]'],
  ['Extended Arabic-Indic card', '۴۱۱۱۱۱۱۱۱۱۱۱۱۱۱۱', '[card]'],
  // glued to words and digits
  ['one letter before: part of a token', 'x87011234567', 'x87011234567'],
  ['one letter after: part of a token', '87011234567x', '87011234567x'],
  ['a word glued after', '87011234567abc', '[phone]abc'],
  ['a digit before the word before', '1ab87011234567', '1ab87011234567'],
  ['an underscore before the word before', '_ab87011234567', '_ab87011234567'],
  ['a hyphen before the word before', '-ab87011234567', '-ab87011234567'],
  ['a digit after the word after', '87011234567ab1', '87011234567ab1'],
  ['an underscore after the word after', '87011234567ab_', '87011234567ab_'],
  ['an underscore right before', '_87011234567', '_87011234567'],
  ['an underscore right after', '87011234567_', '87011234567_'],
  ['a Cyrillic word glued before', 'номер87011234567', 'номер[phone]'],
  ['a Greek word glued before', 'αβ87011234567', 'αβ[phone]'],
  ['an upper-case word glued before', 'TEL87011234567', 'TEL[phone]'],
  ['a word with a combining mark glued before', 'ни\u030687011234567', 'ни\u0306[phone]'],
  ['a letter beyond z is not ASCII', '{87011234567}', '{[phone]}'],
  ['@ and [ are not letters', '@87011234567[', '@[phone]['],
  // every separator of a 3-2-2 city number, as plain() turns it into a space or a dash
  ['city number with a tab', '250\t12\t34', '[phone]'],
  ['city number with no-break spaces', '250\u00a012\u00a034', '[phone]'],
  ['city number with figure spaces', '250\u200712\u200734', '[phone]'],
  ['city number with thin spaces', '250\u200912\u200934', '[phone]'],
  ['city number with narrow no-break spaces', '250\u202f12\u202f34', '[phone]'],
  ['city number with en dashes', '250\u201312\u201334', '[phone]'],
  ['city number with minus signs', '250\u221212\u221234', '[phone]'],
  ['full-width plus and 12 digits in groups is a phone', '\uff0b90 0101 300 123', '[phone]'],
  ['a full-width open bracket is a separator, and stays', '（3272501234', '（[phone]'],
  ['a full-width close bracket is a separator, and stays', '3272501234）', '[phone]）'],
  ['9 digits from 7 stay', '712345678', '712345678'],
  ['8 digits from 7 stay', '71234567', '71234567'],
  ['9 digits from 8 in groups stay', '812 345 678', '812 345 678'],
  ['two numbers in one text', '87011234567 и 900101300123', '[phone] и [iin]'],
  ['an open bracket inside the number', '8 701 (123 45 67', '[phone]'],
  ['a close bracket inside the number', '8 701) 123 45 67', '[phone]'],
  ['a close bracket after a number with brackets', '8 (701) 123-45-67)', '[phone]'],
  // an unbalanced bracket around a city number stays in the sentence, the number goes
  ['a city number after an open bracket', 'звоните (250-12-34, спросить Анну', 'звоните ([phone], спросить Анну'],
  ['a city number before a close bracket', 'тел. 250 12 34) внутр. 5', 'тел. [phone]) внутр. 5'],
  ['a city number in brackets', '(250-12-34)', '[phone]'],
  // one letter glued is part of a token (an id), two letters or more a label
  ['one upper-case letter before', 'X87011234567', 'X87011234567'],
  ['A before', 'A87011234567', 'A87011234567'],
  ['Z before', 'Z87011234567', 'Z87011234567'],
  ['a before', 'a87011234567', 'a87011234567'],
  ['z before', 'z87011234567', 'z87011234567'],
  ['one Cyrillic letter before', 'ж87011234567', 'ж87011234567'],
  ['one letter before, after a space', 'see x87011234567', 'see x87011234567'],
  ['a label before, after a space', 'позвоните тел87011234567', 'позвоните тел[phone]'],
  ['a sign that is not a letter before', '№87011234567', '№[phone]'],
  ['two letters after', '87011234567ab', '[phone]ab'],
  ['a word after, then a space', '87011234567срочно позвоните', '[phone]срочно позвоните'],
  // e-mail addresses
  ['an e-mail address', 'write to anna.petrova+it@mail.example.kz today', 'write to [email] today'],
  ['two addresses', 'a@b.kz, c_d@e-f.com', '[email], [email]'],
  ['a Cyrillic address', 'почта: иван@пример.рф', 'почта: [email]'],
  ['an @ without a local part stays', 'see @mention.kz', 'see @mention.kz'],
  ['an @ without a domain stays', 'anna@ and anna@localhost', 'anna@ and anna@localhost'],
  ['a one-letter top-level domain stays', 'anna@example.k', 'anna@example.k'],
  ['an address after a stray @', 'x @ y anna@example.com', 'x @ y [email]'],
  ['an address right after another @', 'a@@b.kz', 'a@@b.kz'],
  ['text after the address is kept', 'anna@example.com!!', '[email]!!'],
  ['an address and a phone', 'anna@example.com 87011234567', '[email] [phone]'],
  ['a dotted name without @ stays', 'www.example.com and anna@ex.com', 'www.example.com and [email]'],
  ['no @ at all', 'anna.petrova.example.com', 'anna.petrova.example.com'],
];

describe('redaction rules', () => {
  it.each(CASES)('%s', (_name, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('null stays null, text without digits or @ is returned as it is', () => {
    expect(redact(null)).toBeNull();
    expect(redact('')).toBe('');
    expect(redact('no personal data here')).toBe('no personal data here');
  });
});
