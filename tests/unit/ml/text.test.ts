import { describe, expect, it } from 'vitest';
import { prepareText, tokenize, stripHtml } from '../../../src/ml/text.ts';

describe('prepareText', () => {
  it('strips HTML tags, entities, style/script and turns <br>/<p> into spaces', () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><p>Принтер&nbsp;не&nbsp;печатает</p>' +
      '<script>alert(1)</script><div>Ошибка &laquo;offline&raquo; &amp; замятие<br/>бумаги &#8470;5</div></body></html>';
    const out = prepareText(html);
    expect(out).toBe('принтер не печатает ошибка «offline» & замятие бумаги no5');
    expect(out).not.toContain('color');
    expect(out).not.toContain('alert');
  });

  it('leaves plain text with < and > alone', () => {
    expect(stripHtml('a < b and c > d')).toBe('a < b and c > d');
  });

  it('replaces e-mails, URLs, phones and long numbers with placeholders', () => {
    const out = prepareText(
      'Write to Ivan.Petrov@corp.kz or see https://portal.corp.kz/tickets?id=5 and www.example.com. ' +
        'Call +7 701 234 56 78 or 8 (727) 123-45-67 or +44 20 7946 0958. Inventory 1234567, room 12.',
    );
    expect(out).toBe(
      'write to __email__ or see __url__ and __url__ call __phone__ or __phone__ or __phone__ . inventory __num__ , room 12.',
    );
    expect(prepareText('тел. 87012345678, кабинет 305')).toBe('тел. __phone__ , кабинет 305');
    expect(prepareText('звоните 8 727 250 11 22')).toBe('звоните __phone__');
  });

  it('NFKC-normalises and folds case incl. ё → е', () => {
    expect(prepareText('ＶＰＮ Ёлка ЁЖИК ﬁle')).toBe('vpn елка ежик file');
  });

  it('trims quoted replies (> lines, On ... wrote:, Original Message, Пишет:)', () => {
    expect(prepareText('Still broken\n\nOn Mon, 3 Jun 2024 at 10:00, Support <s@x.kz> wrote:\n> Please restart')).toBe(
      'still broken',
    );
    expect(prepareText('Не работает VPN\n-----Original Message-----\nFrom: a\nold text')).toBe('не работает vpn');
    expect(prepareText('Спасибо, проблема осталась\n12.03.2024 10:15, Иванов Иван пишет:\nстарый текст')).toBe(
      'спасибо, проблема осталась',
    );
    expect(prepareText('Новый текст\n> цитата\n> ещё цитата')).toBe('новый текст');
    expect(prepareText('Принтер сломался\nИван Иванов написал(а):\nбла')).toBe('принтер сломался');
    expect(prepareText('Принтер істемейді\nАсқар жазды:\nескі хат')).toBe('принтер істемейді');
  });

  it('trims signatures in ru/kk/en and mobile footers', () => {
    expect(prepareText('Outlook does not start\nBest regards,\nJohn Smith\nIT dept')).toBe('outlook does not start');
    expect(prepareText('Не открывается 1С\nС уважением,\nАйгуль\n+7 701 111 22 33')).toBe('не открывается 1с');
    expect(prepareText('Пошта ашылмайды\nҚұрметпен, Ержан')).toBe('пошта ашылмайды');
    expect(prepareText('VPN down\n-- \nJohn')).toBe('vpn down');
    expect(prepareText('Нет интернета\n\nОтправлено с iPhone')).toBe('нет интернета');
    expect(prepareText('Need a new mouse\nSent from my iPhone')).toBe('need a new mouse');
  });

  it('keeps a ticket that consists only of a signature-like line', () => {
    expect(prepareText('Best regards')).toBe('best regards');
  });

  it('collapses whitespace and handles empty input', () => {
    expect(prepareText('  a \t\n\n b  ')).toBe('a b');
    expect(prepareText('')).toBe('');
  });
});

describe('tokenize', () => {
  it('splits words incl. Kazakh letters, digits and placeholders', () => {
    expect(tokenize('принтер жұмыс істемейді, әріптес __email__ 2-қабат office365')).toEqual([
      'принтер', 'жұмыс', 'істемейді', 'әріптес', '__email__', '2', 'қабат', 'office365',
    ]);
  });
});
