import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

// Synthetic helpdesk exports for the import benchmark and the kill-and-rerun test: a fixed
// seed gives the same file every time. Rows look like an old helpdesk's export: an external
// id, the client's e-mail and name, subject, body (ru, kk or en, about 300 characters),
// creation time, and the historic category and priority labels.

export const GENERATED_HEADER = ['ID', 'Email', 'Name', 'Subject', 'Body', 'Created', 'Category', 'Priority'];
export const GENERATED_MAP = 'external_id=ID,email=Email,name=Name,subject=Subject,body=Body,created_at=Created,category=Category,priority=Priority';
export const GENERATED_CATEGORIES = ['Hardware', 'HR Support', 'Access', 'Miscellaneous', 'Storage', 'Purchase', 'Internal Project', 'Administrative rights'];

const WORDS = {
  en: 'printer laptop password vpn outlook mailbox access account locked screen keyboard update install license server network folder share disk backup request please urgent help error cannot open login reset broken replace monitor cable meeting room phone'.split(' '),
  ru: 'принтер ноутбук пароль доступ почта учетная запись заблокирована экран клавиатура обновление установить лицензия сервер сеть папка диск резервная копия пожалуйста срочно помогите ошибка не работает открыть войти сбросить сломался заменить монитор кабель'.split(' '),
  kk: 'принтер ноутбук құпиясөз қолжетімділік пошта тіркелгі бұғатталды экран пернетақта жаңарту орнату лицензия сервер желі қалта диск көшірме өтінемін шұғыл көмектесіңіз қате жұмыс істемейді ашылмайды кіре алмаймын ауыстыру монитор кабель'.split(' '),
};
const FIRST = ['Aigerim', 'Yerlan', 'Dana', 'Ivan', 'Marina', 'John', 'Aliya', 'Sergey', 'Olga', 'Nurlan'];
const LAST = ['Sokolova', 'Akhmetov', 'Smith', 'Petrov', 'Nurpeisova', 'Brown', 'Ivanova', 'Kim', 'Omarov', 'Lee'];
const PRIORITIES = ['low', 'medium', 'medium', 'high', 'critical'];

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One generated row (as cells), deterministic for (seed, index). */
export function generatedRow(random: () => number, index: number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const lang = random() < 0.45 ? 'ru' : random() < 0.5 ? 'kk' : 'en';
  const words = WORDS[lang as keyof typeof WORDS];
  const sentence = (n: number): string => Array.from({ length: n }, () => pick(words)).join(' ');
  const user = Math.floor(random() * 20000);
  const first = FIRST[user % FIRST.length]!;
  const last = LAST[Math.floor(user / FIRST.length) % LAST.length]!;
  const body = `${sentence(14)}, ${sentence(12)}.\n${sentence(10)} #${index}`;
  const created = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 700 * 86400) * 1000).toISOString().replace('.000Z', 'Z');
  return [
    `T-${String(index).padStart(8, '0')}`,
    `${first.toLowerCase()}.${last.toLowerCase()}${user}@example.kz`,
    `${first} ${last}`,
    sentence(5),
    body,
    created,
    pick(GENERATED_CATEGORIES),
    pick(PRIORITIES),
  ];
}

/** The rows of a generated file, as cells, without the header. */
export function* generatedRows(rows: number, seed = 42): Generator<string[]> {
  const random = prng(seed);
  for (let i = 1; i <= rows; i++) yield generatedRow(random, i);
}

/** Writes `rows` generated tickets as CSV (header first) to `path`; returns the byte count. */
export async function generateTicketsCsv(path: string, rows: number, seed = 42): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let chunk = GENERATED_HEADER.join(',') + '\n';
  for (const row of generatedRows(rows, seed)) {
    chunk += row.map(csvCell).join(',') + '\n';
    if (chunk.length > 256 * 1024) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return bytes;
}

/** Columns of `newTicketsCsv`, for `import tickets - --map ...`: no creation time, so tickets are created at the import's commit. */
export const LIVE_TICKETS_MAP = 'external_id=ID,email=Email,name=Name,subject=Subject,body=Body';

/**
 * Generated tickets arriving now (bench/follow.ts, tests/integration/follow.test.ts): external
 * ids `<prefix>-<n>`, so every call with another prefix adds new tickets; no label, no time.
 */
export function newTicketsCsv(prefix: string, rows: number, seed = 7): string {
  let out = 'ID,Email,Name,Subject,Body\n';
  let i = 0;
  for (const row of generatedRows(rows, seed)) {
    i++;
    out += [`${prefix}-${i}`, row[1]!, row[2]!, row[3]!, row[4]!].map(csvCell).join(',') + '\n';
  }
  return out;
}
