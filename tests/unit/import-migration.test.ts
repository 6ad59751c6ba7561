import { describe, expect, it } from 'vitest';
import { AMBIGUOUS, DateReader, parseOffset, Zone, type DateSettings } from '../../src/services/import/dates.ts';
import { resolveCsvColumns } from '../../src/services/import/fields.ts';
import { jsonArrayElements } from '../../src/services/import/input.ts';
import { loadPreset, presetNames, presetValueMaps, validatePreset } from '../../src/services/import/presets.ts';
import { parseValueMaps, UnmappedValues } from '../../src/services/import/values.ts';

const iso = (r: unknown): unknown => (typeof r === 'number' ? new Date(r).toISOString() : r === AMBIGUOUS ? 'AMBIGUOUS' : 'ERROR');
const read = (text: string, settings: Partial<DateSettings> = {}): unknown => iso(new DateReader({ timeZone: 'UTC', ...settings }).parse(text, 1));

describe('DateReader: every form, read in UTC unless said', () => {
  it.each([
    // ISO 8601, with and without seconds, fraction, zone; single-digit parts
    ['2024-03-01T09:30:00Z', '2024-03-01T09:30:00.000Z'],
    ['2024-03-01 09:30', '2024-03-01T09:30:00.000Z'],
    ['2023-06-01 7:29', '2023-06-01T07:29:00.000Z'],
    ['2024-3-1 7:05:09', '2024-03-01T07:05:09.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T09:30:00.123+05:00', '2024-03-01T04:30:00.123Z'],
    ['2024-03-01 09:30:00 +0500', '2024-03-01T04:30:00.000Z'],
    ['2024-03-01 09:30 -03', '2024-03-01T12:30:00.000Z'],
    ['2024-03-01 09:30:00 UTC', '2024-03-01T09:30:00.000Z'],
    ['2024-03-01 9:30 PM', '2024-03-01T21:30:00.000Z'],
    // D.M.YYYY
    ['01.03.2024 09:30', '2024-03-01T09:30:00.000Z'],
    ['1.3.2024 9:30', '2024-03-01T09:30:00.000Z'],
    ['1.3.2024', '2024-03-01T00:00:00.000Z'],
    // M/D/YYYY when the file says so
    ['6/1/2023 7:29 PM', '2023-06-01T19:29:00.000Z', { dateOrder: 'mdy' }],
    ['6/1/2023 12:05 AM', '2023-06-01T00:05:00.000Z', { dateOrder: 'mdy' }],
    ['6/1/2023 12:05 pm', '2023-06-01T12:05:00.000Z', { dateOrder: 'mdy' }],
    ['06/01/2023 19:29', '2023-06-01T19:29:00.000Z', { dateOrder: 'mdy' }],
    ['6/1/2023', '2023-01-06T00:00:00.000Z', { dateOrder: 'dmy' }],
    ['6-1-2023 7:29', '2023-01-06T07:29:00.000Z', { dateOrder: 'dmy' }],
    // Two-digit years (osTicket's default en_US format, ICU's M/d/yy h:mm a), also with ICU 72's
    // narrow no-break space before AM/PM
    ['3/2/26 8:05 AM', '2026-03-02T08:05:00.000Z', { dateOrder: 'mdy' }],
    ['3/2/26 8:05\u202fPM', '2026-03-02T20:05:00.000Z', { dateOrder: 'mdy' }],
    ['02.03.26 08:05', '2026-03-02T08:05:00.000Z'],
    // Jira, RT, US long form
    ['01/Jun/23 7:29 AM', '2023-06-01T07:29:00.000Z'],
    ['1 Jun 2023 19:29', '2023-06-01T19:29:00.000Z'],
    ['Thu Jun 01 07:29:00 2023', '2023-06-01T07:29:00.000Z'],
    ['Jun 1, 2023 7:29 PM', '2023-06-01T19:29:00.000Z'],
    // Unix seconds only with --epoch
    ['1685604540', '2023-06-01T07:29:00.000Z', { epoch: true }],
    ['1685604540', 'ERROR'],
    // Not dates
    ['2024-02-30', 'ERROR'],
    ['2024-03-01 24:00', 'ERROR'],
    ['2024-03-01 13:00 PM', 'ERROR'],
    ['13/13/2024', 'ERROR'],
    ['1969-12-31', 'ERROR'],
    ['yesterday', 'ERROR'],
    ['Foo 1, 2024', 'ERROR'],
  ] as [string, string, Partial<DateSettings>?][])('%s -> %s', (text, expected, settings) => {
    expect(read(text, settings)).toBe(expected);
  });

  it('times without a zone are in the given zone, across a daylight-saving change', () => {
    expect(read('2024-03-01 09:30', { timeZone: 'Asia/Almaty' })).toBe('2024-03-01T04:30:00.000Z');
    expect(read('2024-03-01 09:30', { timeZone: '+03:00' })).toBe('2024-03-01T06:30:00.000Z');
    // Berlin: UTC+1 until 2024-03-31 02:00, then UTC+2 (the offset changes within that day).
    expect(read('2024-03-31 01:30', { timeZone: 'Europe/Berlin' })).toBe('2024-03-31T00:30:00.000Z');
    expect(read('2024-03-31 03:30', { timeZone: 'Europe/Berlin' })).toBe('2024-03-31T01:30:00.000Z');
    expect(read('2024-07-01 12:00', { timeZone: 'Europe/Berlin' })).toBe('2024-07-01T10:00:00.000Z');
    // A zone written in the value wins over --tz.
    expect(read('2024-03-01T09:30:00Z', { timeZone: 'Asia/Almaty' })).toBe('2024-03-01T09:30:00.000Z');
  });

  it('refuses unknown zones; offsets parse', () => {
    expect(() => new Zone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect([parseOffset('+05:00'), parseOffset('-0330'), parseOffset('UTC'), parseOffset('+15:00'), parseOffset('Asia/Almaty')]).toEqual([300, -210, 0, undefined, undefined]);
  });

  it('day and month: ambiguous until a value decides; the decision holds for the file; contradictions are errors', () => {
    const reader = new DateReader({ timeZone: 'UTC' });
    expect(iso(reader.parse('3/4/2024', 2))).toBe('AMBIGUOUS');
    expect(iso(reader.parse('5/5/2024', 3))).toBe('2024-05-05T00:00:00.000Z'); // the same either way
    expect(reader.order).toBeUndefined();
    expect(iso(reader.parse('13/4/2024 10:00', 4))).toBe('2024-04-13T10:00:00.000Z');
    expect(reader.order).toBe('dmy');
    expect(reader.decidedBy).toEqual({ value: '13/4/2024 10:00', line: 4 });
    expect(iso(reader.parse('3/4/2024', 2))).toBe('2024-04-03T00:00:00.000Z');
    const contradiction = reader.parse('4/13/2024', 9);
    expect(contradiction).toEqual({ reason: expect.stringMatching(/D\/M\/YYYY order \(decided by "13\/4\/2024 10:00" on line 4/) });

    const us = new DateReader({ timeZone: 'UTC' });
    expect(iso(us.parse('3/13/2024', 2))).toBe('2024-03-13T00:00:00.000Z');
    expect(us.order).toBe('mdy');
    // Given by a flag (or a preset): no file decision, no contradiction message.
    expect(iso(new DateReader({ timeZone: 'UTC', dateOrder: 'mdy' }).parse('3/4/2024', 1))).toBe('2024-03-04T00:00:00.000Z');
    // An impossible value stays an error while undecided.
    expect(iso(new DateReader({ timeZone: 'UTC' }).parse('2/30/2024', 1))).toBe('ERROR');
  });
});

describe('value maps', () => {
  it('parses FIELD:FOREIGN=OURS, case-insensitive on the foreign side; later ones win', () => {
    const maps = parseValueMaps(['source:Social media=portal', 'Status:Pending: customer=waiting', 'issue type:Problem=complex', 'source:SOCIAL MEDIA=chat']);
    expect(maps.get('source')?.get('social media')).toBe('chat');
    expect(maps.get('status')?.get('pending: customer')).toBe('waiting');
    expect(maps.get('issue_type')?.get('problem')).toBe('complex');
  });

  it.each([
    ['source=portal', /expects FIELD:FOREIGN=OURS/],
    ['source:Web=', /expects FIELD:FOREIGN=OURS/],
    ['colour:Red=high', /not a field with values to map/],
    ['source:Web=web', /"web" is not a source; use one of email, chat, portal, phone/],
    ['priority:P1=urgent', /"urgent" is not a priority/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseValueMaps([spec])).toThrow(message);
  });

  it('tallies each unmapped value once, with its count and the flag to add', () => {
    const u = new UnmappedValues();
    for (const v of ['Social media', 'social media ', 'Fax', 'Social Media']) u.add('source', 'Channel', v);
    u.add('priority', 'Prio', 'Urgent');
    expect(u.list()).toEqual([
      { field: 'source', column: 'Channel', value: 'Social media', rows: 3, flag: '--value "source:Social media=email|chat|portal|phone"' },
      { field: 'source', column: 'Channel', value: 'Fax', rows: 1, flag: '--value "source:Fax=email|chat|portal|phone"' },
      { field: 'priority', column: 'Prio', value: 'Urgent', rows: 1, flag: '--value "priority:Urgent=low|medium|high|critical"' },
    ]);
  });
});

describe('presets', () => {
  it.each([
    ['zammad', { headerColumns: ['#', 'Title', 'State'], footerPattern: '^Timezone: (?<zone>\\S+)$' }],
    ['rt', { firstOfList: { email: ',' } }],
    ['zendesk', {}],
  ] as const)('%s declares its sheet layout and lists', (name, declared) => {
    const preset = loadPreset(name);
    expect({ headerColumns: preset.headerColumns, footerPattern: preset.footerPattern, firstOfList: preset.firstOfList }).toEqual({ headerColumns: undefined, footerPattern: undefined, firstOfList: undefined, ...declared });
    if (preset.footerPattern) expect(new RegExp(preset.footerPattern, 'iu').exec('Timezone: Europe/Moscow')?.groups?.zone).toBe('Europe/Moscow');
  });

  it('six presets, each valid, with value maps that load', () => {
    expect(presetNames()).toEqual(['freshdesk', 'jira', 'osticket', 'rt', 'zammad', 'zendesk']);
    for (const name of presetNames()) {
      const preset = loadPreset(name);
      expect(preset.name).toBe(name);
      expect(preset.columns.body?.length).toBeGreaterThan(0);
      expect(preset.documentation.length).toBeGreaterThan(0);
      expect(presetValueMaps(preset).size).toBeGreaterThan(0);
      // What `presets show` prints reads back unchanged.
      expect(validatePreset(JSON.parse(JSON.stringify(preset)), 'copy')).toEqual(preset);
    }
  });

  it.each([
    [{ name: 'x', columns: { body: 'Text', colour: 'C' } }, /copy: columns: unknown field "colour"/],
    [{ name: 'x', values: { status: { Pending: 'later' } } }, /copy: values.status: "later" is not a status/],
    [{ name: 'x', dateOrder: 'ymd' }, /"dateOrder" must be dmy or mdy/],
    [{ name: 'x', colour: 1 }, /unknown key "colour"/],
    [[], /a preset is a JSON object/],
    [{ name: 'x', footerPattern: '^Timezone: (' }, /copy: "footerPattern" is not a regular expression/],
    [{ name: 'x', headerColumns: 'Title' }, /copy: "headerColumns" must be a list of strings/],
    [{ name: 'x', firstOfList: { requestors: ',' } }, /copy: firstOfList: unknown field "requestors"/],
    [{ name: 'x', firstOfList: { email: '' } }, /copy: firstOfList.email must be a non-empty separator/],
  ])('refuses a bad preset file: %j', (value, message) => {
    expect(() => validatePreset(value, 'copy')).toThrow(message);
  });
});

describe('CSV header', () => {
  it('refuses a column the import reads named twice, with the line and column numbers', () => {
    expect(() => resolveCsvColumns(['external_id', 'body', 'body'], new Map(), 'f.csv')).toThrow('f.csv:1: the header names a column it reads more than once: "body" (columns 2, 3)');
    expect(() => resolveCsvColumns(['ID', 'Text', 'TEXT'], new Map([['body', 'Text']]), 'f.csv', {}, 3)).toThrow(/f\.csv:3: .*"Text" \(columns 2, 3\)/);
  });
  it('leaves repeated columns it does not read alone (Jira repeats Comment)', () => {
    const columns = resolveCsvColumns(['Summary', 'Comment', 'Comment', '', ''], new Map(), 'f.csv', { body: ['Summary'] });
    expect([...columns.entries()]).toEqual([['body', 0]]);
  });
  it('a preset column: the first name the header has wins; --map overrides it', () => {
    expect(resolveCsvColumns(['Subject', 'Description'], new Map(), 'f', { body: ['Description', 'Subject'] }).get('body')).toBe(1);
    expect(resolveCsvColumns(['Subject'], new Map(), 'f', { body: ['Description', 'Subject'] }).get('body')).toBe(0);
    expect(resolveCsvColumns(['Subject', 'Description'], new Map([['body', 'Subject']]), 'f', { body: ['Description'] }).get('body')).toBe(0);
  });
});

describe('JSON arrays', () => {
  async function elements(text: string, chunk = 7): Promise<{ line: number; text: string }[]> {
    const bytes = Buffer.from(text);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    }
    const out: { line: number; text: string }[] = [];
    for await (const batch of jsonArrayElements(chunks())) for (const e of batch) out.push({ line: e.line, text: e.bytes.toString().trimEnd() });
    return out;
  }

  it('splits a one-line and a multi-line array into elements with their lines, in any chunking', async () => {
    const oneLine = '[{"external_id":"F48","body":"x, [y] {z}"},{"body":"a \\"quoted\\" ] brace"}]';
    for (const chunk of [1, 3, 7, 1000]) {
      expect(await elements(oneLine, chunk)).toEqual([
        { line: 1, text: '{"external_id":"F48","body":"x, [y] {z}"}' },
        { line: 1, text: '{"body":"a \\"quoted\\" ] brace"}' },
      ]);
    }
    expect(await elements('[\n  {"body": "a",\n   "messages": [{"body": "m"}]},\n  {"body": "line\\nbreak"}\n]\n')).toEqual([
      { line: 2, text: '{"body": "a",\n   "messages": [{"body": "m"}]}' },
      { line: 4, text: '{"body": "line\\nbreak"}' },
    ]);
    expect(await elements('[]')).toEqual([]);
  });

  it.each([
    ['[{"body":"a"}', /line 1: the JSON array is not closed/],
    ['[{"body":"a"}] x', /line 1: text after the end of the JSON array/],
    ['[{"body":"a"},, {"body":"b"}]', /a comma without an element/],
    ['[,{"body":"a"}]', /a comma without an element/],
  ])('refuses a broken array: %s', async (text, message) => {
    await expect(elements(text)).rejects.toThrow(message);
  });
});
