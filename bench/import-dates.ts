// The import's per-value time parser: the ISO-only parser it replaced (parseTimestamp, still
// used for command flags) against DateReader on the forms exports write, zone conversion and
// formatting for COPY included. µs per value over 1,000,000 values.
//
//   node bench/import-dates.ts
import { parseTimestamp } from '../src/services/import/rows.ts';
import { DateReader } from '../src/services/import/dates.ts';
const n = 1_000_000;
const iso = Array.from({ length: 1000 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000 * 17).toISOString().replace('.000Z', 'Z'));
const local = iso.map((s) => s.slice(0, 16).replace('T', ' '));
const us = iso.map((s) => { const d = new Date(s); return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${((d.getUTCHours() + 11) % 12) + 1}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`; });
function time(label: string, f: (s: string) => unknown, values: string[]) {
  for (let i = 0; i < 100_000; i++) f(values[i % 1000]!);
  const t = performance.now();
  for (let i = 0; i < n; i++) f(values[i % 1000]!);
  console.log(label.padEnd(52), (((performance.now() - t) * 1000) / n).toFixed(3), 'µs/value');
}
const utc = new DateReader({ timeZone: 'UTC' });
const almaty = new DateReader({ timeZone: 'Asia/Almaty', dateOrder: 'mdy' });
const berlin = new DateReader({ timeZone: 'Europe/Berlin', dateOrder: 'mdy' });
time('before: parseTimestamp, ISO with Z (the bench file)', parseTimestamp, iso);
time('after: DateReader + toISOString, ISO with Z', (s) => new Date(utc.parse(s, 1) as number).toISOString(), iso);
time('before: parseTimestamp, 2024-01-01 09:30 (UTC)', parseTimestamp, local);
time('after: same, read in Asia/Almaty', (s) => new Date(almaty.parse(s, 1) as number).toISOString(), local);
time('after: same, read in Europe/Berlin (DST)', (s) => new Date(berlin.parse(s, 1) as number).toISOString(), local);
time('after: 6/1/2024 7:29 PM in Asia/Almaty', (s) => new Date(almaty.parse(s, 1) as number).toISOString(), us);
