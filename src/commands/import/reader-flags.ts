import { UsageError } from '../../errors.ts';
import { parseMapping, type ImportField } from '../../services/import/fields.ts';
import { ENCODINGS, parseDelimiter, type InputEncoding, type InputFormat } from '../../services/import/input.ts';
import { loadPreset, presetValueMaps, readPresetFile, type Preset } from '../../services/import/presets.ts';
import { parseValueMaps, type ValueMaps } from '../../services/import/values.ts';

/** The flags of the export reader, taken by `import tickets` and `model evaluate --file`. */
export interface ReaderFlags {
  inputFormat?: string | undefined;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  map?: string[] | undefined;
  from?: string | undefined;
  presetFile?: string | undefined;
  value?: string[] | undefined;
}

export interface ReaderSettings {
  format: InputFormat | undefined;
  delimiter: number | undefined;
  encoding: InputEncoding;
  mapping: Map<ImportField, string>;
  preset: Preset | undefined;
  /** The preset's values first, the `--value` flags over them. */
  values: ValueMaps;
}

export function parseReaderFlags(flags: ReaderFlags): ReaderSettings {
  const format = parseInputFormat(flags.inputFormat);
  const encoding = ENCODINGS[(flags.encoding ?? 'utf-8').toLowerCase()];
  if (!encoding) throw new UsageError(`--encoding must be utf-8 or cp1251 (got "${flags.encoding}")`);
  const mapping = parseMapping(flags.map);
  if (flags.from !== undefined && flags.presetFile !== undefined) throw new UsageError('--from and --preset-file both name a preset: give one');
  const preset: Preset | undefined = flags.presetFile !== undefined ? readPresetFile(flags.presetFile) : flags.from !== undefined ? loadPreset(flags.from) : undefined;
  const values = parseValueMaps(flags.value, presetValueMaps(preset));
  const delimiter = flags.delimiter !== undefined ? parseDelimiter(flags.delimiter) : undefined;
  return { format, delimiter, encoding, mapping, preset, values };
}

function parseInputFormat(value: string | undefined): InputFormat | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'csv' || v === 'jsonl' || v === 'json') return v;
  if (v === 'ndjson') return 'jsonl';
  throw new UsageError(`--input-format must be csv, jsonl (one object per line) or json (an array of objects) (got "${value}")`);
}
