import { describe, expect, it } from 'vitest';
import { detectHoldBack, detectUrgency, type HoldBackRule, type Priority } from '../../../src/ml/rules.ts';

// Issue 18: the urgency and hold-back rules case by case, each row one text and the exact result
// (level or rule and the cues named), so that a cue lost from a list or a boundary moved fails a row.

describe('detectUrgency: the exact level and cues', () => {
  const cases: [string, Priority | null, string[]][] = [
    // nothing: no cue, punctuation around (an empty cue would match between two non-letters)
    ['Нужна новая мышь.', null, []],
    ['(Replace the mouse) -- thanks!', null, []],
    ['', null, []],
    // one cue per level, in each language
    ['Production down since 9:00', 'critical', ['production down']],
    ['Критичная ситуация!', 'critical', ['критичн*']],
    ['Жұмыс тоқтап тұр.', 'critical', ['жұмыс тоқтап тұр']],
    ['Please fix this ASAP.', 'high', ['asap']],
    ['Очень срочно, горит!', 'high', ['срочн*', 'очень срочно', 'горит']],
    ['Тез арада қараңыз', 'high', ['тез арада']],
    ['Outlook is slow.', 'medium', ['slow']],
    ['Ошибка при входе', 'medium', ['ошибк*']],
    ['Принтер баяу басады', 'medium', ['баяу']],
    ['How to add a signature?', 'low', ['how to']],
    ['Подскажите, пожалуйста.', 'low', ['подскажите']],
    ['Бір сұрақ бар', 'low', ['сұрақ']],
    // multi-word cues take any run of spaces; a cue ending in * takes any ending, but not a prefix
    ['production    down', 'critical', ['production down']],
    ['Срочная заявка', 'high', ['срочн*']],
    ['несрочная заявка', null, []],
    ['asapov account', null, []],
    ['asap1 account', null, []],
    ['1asap account', null, []],
    // the highest level wins, all cues listed, highest first
    ['Срочно: все сотрудники без почты, ошибка', 'critical', ['все сотрудники', 'срочн*', 'ошибк*']],
    ['Slow and broken, no rush', 'medium', ['broken', 'slow', 'no rush']],
    // negated urgency: low; the negated words are taken out, so neither they nor the positive cue in them count
    ['Не срочно: замените мышку', 'low', ['(negated urgency)']],
    ['не   срочная замена', 'low', ['(negated urgency)']],
    ['Not urgent.', 'low', ['(negated urgency)']],
    ['Шұғыл емес', 'low', ['(negated urgency)']],
    ['Не срочно, но принтер сломался', 'medium', ['сломал*', '(negated urgency)']],
    ['Не срочно. Хотя нет: срочно!', 'high', ['срочн*', '(negated urgency)']],
    ['Ане срочно', 'high', ['срочн*']],
  ];
  it.each(cases)('%j -> %s %j', (text, priority, matched) => {
    expect(detectUrgency(text)).toEqual({ priority, matched });
  });

  it('a negated text twice in a row gives the same answer (no state kept between calls)', () => {
    expect(detectUrgency('не срочно').priority).toBe('low');
    expect(detectUrgency('не срочно').priority).toBe('low');
    expect(detectUrgency('Срочно!').priority).toBe('high');
  });

  it('takes prepared text as it is when told so', () => {
    expect(detectUrgency('СРОЧНО', { prepared: true }).priority).toBeNull();
    expect(detectUrgency('СРОЧНО').priority).toBe('high');
  });
});

describe('detectHoldBack: the exact rules and cues', () => {
  const cases: [string, [HoldBackRule, string[]][]][] = [
    ['Please replace my mouse.', []],
    ['(no words) -- ok!', []],
    ['Got a phishing email', [['security', ['phish*']]]],
    ['My PC is infected with malware', [['security', ['malware', 'infected']]]],
    ['unauthorised access to the share', [['security', ['unauthori?ed access']]]],
    ['Unauthorized access to the share', [['security', ['unauthori?ed access']]]],
    ['unauthoried access', []],
    ['Антивирус обновился', []],
    ['Пришло подозрительное письмо со ссылкой', [['security', ['подозрительн* письм*']]]],
    ['Перешёл по подозрительной ссылке', [['security', ['подозрительн* ссылк*']]]],
    ['Подозрительные входы в учётную запись', [['security', ['подозрительн* вход*']]]],
    ['Кто-то зашел в мою почту', [['security', ['кто-то зашел']]]],
    ['Компьютерге вирус жұқты', [['security', ['вирус*', 'жұқты*']], ['urgent', ['вирус*', 'вирус']]]],
    ['Хакер бұзып кірді', [['security', ['хакер*', 'бұзып кір*']]]],
    ['This is unacceptable, terrible service', [['complaint', ['unacceptable', 'terrible service']]]],
    ['Жалоба на сотрудника, нахамил', [['complaint', ['жалоб*', 'нахамил*']]]],
    ['Шағым: қызмет кәсіби емес', [['complaint', ['шағым*', 'кәсіби емес']]]],
    ['URGENT: my mailbox is sending phishing emails', [['security', ['phish*']], ['urgent', ['urgent']]]],
    ['Complaint: urgent, all users are hacked', [['security', ['hacked']], ['complaint', ['complaint*', 'complain*']], ['urgent', ['all users', 'hacked', 'urgent']]]],
    // medium and low urgency, and negated urgency, hold nothing back
    ['Принтер не печатает', []],
    ['Не срочно: замените мышку', []],
  ];
  it.each(cases)('%j', (text, rules) => {
    expect(detectHoldBack(text)).toEqual(rules.map(([rule, matched]) => ({ rule, matched })));
  });

  it('uses the urgency it is given instead of detecting it again', () => {
    expect(detectHoldBack('mouse', { urgency: { priority: 'critical', matched: ['outage', 'срочн*', 'slow'] } })).toEqual([{ rule: 'urgent', matched: ['outage', 'срочн*'] }]);
    expect(detectHoldBack('URGENT', { urgency: { priority: 'medium', matched: ['slow'] } })).toEqual([]);
    expect(detectHoldBack('PHISHING', { prepared: true })).toEqual([]);
  });
});
