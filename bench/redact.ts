// Redaction speed: `node bench/redact.ts [TEXTS]` times redact() on generated ticket texts
// (a third plain, a third with a phone or IIN or card in some written form, a third with an
// e-mail address and a number), against toLowerCase() on the same texts as the reference
// measured in the same run. Prints microseconds per text and the ratio.
import { redact } from '../src/services/export/redact.ts';

const count = Number(process.argv[2] ?? 200_000);
const bodies = [
  'Не могу войти в почту, пароль не подходит после смены. Помогите, пожалуйста, срочно нужен доступ к отчётам.',
  'Принтер на третьем этаже не печатает, горит красная лампочка, кабинет 305. Пробовали перезагрузить.',
  'Құпия сөзді ұмыттым, поштаға кіре алмаймын. Көмектесіңізші, бүгін есеп тапсыру керек.',
  'VPN disconnects every ten minutes since the update of 2026-11-30; the laptop is a ThinkPad T14, build 16.0.10386.',
];
const numbers = ['+7 (701) 123-45-67', 'тел87011234567', '4111\u20091111\u20091111\u20091111', 'ИИН900101300123', '8\u00a0701\u00a0123\u00a045\u00a067', '４１１１ １１１１ １１１１ １１１１'];
const texts: string[] = [];
for (let i = 0; i < count; i++) {
  const body = bodies[i % bodies.length]!;
  if (i % 3 === 0) texts.push(`${body} (${i})`);
  else if (i % 3 === 1) texts.push(`${body} Мой номер ${numbers[i % numbers.length]}, перезвоните.`);
  else texts.push(`${body} Пишите на user${i}@company.kz или ${numbers[i % numbers.length]}.`);
}

function time(label: string, f: (t: string) => string): number {
  let sink = 0;
  for (let round = 0; round < 2; round++) for (const t of texts.slice(0, 20_000)) sink += f(t).length; // warm up
  const start = performance.now();
  for (const t of texts) sink += f(t).length;
  const us = ((performance.now() - start) * 1000) / texts.length;
  console.log(`${label.padEnd(22)} ${us.toFixed(2)} µs per text (${sink > 0 ? 'ok' : ''})`);
  return us;
}

const reference = time('toLowerCase (reference)', (t) => t.toLowerCase());
const measured = time('redact', redact);
console.log(`ratio redact / reference: ${(measured / reference).toFixed(1)}; target about 2 µs per text`);
