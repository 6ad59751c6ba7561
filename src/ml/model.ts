/**
 * Compact binary artifact for one trained head (vectorizer included), for a PostgreSQL bytea.
 *
 * Layout (little endian):
 *   0  'HDML'            magic
 *   4  u8 version (1)
 *   5  u8 flags          bit 0: body is raw-DEFLATE compressed
 *   6  body:
 *        u32 header length, header JSON (UTF-8): kind, labels, temperature, params,
 *            vectorizer config + nDocs, counts, bias (float32 values), scales (float32 values)
 *        used buckets (IDF ≠ 0): LEB128 varints, delta-coded, ascending
 *        IDF: u16 per used bucket (IDF · 1024, IDFs are quantised to 1/1024 at fit time)
 *        row bitmap: 1 bit per used bucket — set when the bucket has a weight row
 *        weights: rows × K, int8 codes (quantised heads) or float32 (unquantised heads)
 *
 * All values are stored exactly, so a deserialised head predicts bit-identically.
 */
import { ByteReader, ByteWriter, packArtifact, unpackArtifact } from './bytes.ts';
import type { VectorizerConfig } from './features.ts';
import { QUANT_TABLE } from './classifier.ts';
import type { TrainedHead } from './classifier.ts';

const MAGIC = [0x48, 0x44, 0x4d, 0x4c]; // HDML
const VERSION = 1;

interface Header {
  kind: TrainedHead['kind'];
  labels: string[];
  temperature: number;
  params: TrainedHead['params'];
  vectorizer: { config: VectorizerConfig; nDocs: number };
  nUsed: number;
  nRows: number;
  quantized: boolean;
  bias: number[];
  scales: number[];
}


export interface SerializeOptions {
  /** raw-DEFLATE the body (default true). */
  compress?: boolean;
}

/** Buckets with a non-zero IDF, in order: the only ones an artifact stores. */
export function usedBuckets(idf: Float32Array): number[] {
  const used: number[] = [];
  for (let b = 0; b < idf.length; b++) if (idf[b] !== 0) used.push(b);
  return used;
}

/** The vectorizer's IDF table: bucket numbers as varint deltas, then each IDF as u16 (1/1024 steps). */
export function writeIdf(w: ByteWriter, idf: Float32Array, used: readonly number[]): void {
  let prev = 0;
  for (const b of used) {
    w.varint(b - prev);
    prev = b;
  }
  for (const b of used) {
    const q = Math.round(idf[b]! * 1024);
    if (q < 1 || q > 0xffff) throw new Error(`IDF ${idf[b]} out of the u16 range`);
    w.u16(q);
  }
}

export function readIdf(r: ByteReader, nUsed: number, dim: number): { used: Int32Array; idf: Float32Array } {
  const used = new Int32Array(nUsed);
  let prev = 0;
  for (let i = 0; i < nUsed; i++) {
    prev += r.varint();
    if (prev >= dim) throw r.failure('bucket out of range in model artifact');
    used[i] = prev;
  }
  const idf = new Float32Array(dim);
  for (let i = 0; i < nUsed; i++) idf[used[i]!] = r.u16() / 1024;
  return { used, idf };
}

export function serializeModel(model: TrainedHead, opts: SerializeOptions = {}): Uint8Array {
  const compress = opts.compress ?? true;
  const K = model.labels.length;
  const idf = model.vectorizer.idf;
  const used = usedBuckets(idf);
  const nRows = model.weights.length / K;
  const quantized = model.codes !== null;
  const header: Header = {
    kind: model.kind,
    labels: model.labels,
    temperature: model.temperature,
    params: model.params,
    vectorizer: { config: model.vectorizer.config, nDocs: model.vectorizer.nDocs },
    nUsed: used.length,
    nRows,
    quantized,
    bias: Array.from(model.bias),
    scales: Array.from(model.scales),
  };
  const w = new ByteWriter();
  const hj = new TextEncoder().encode(JSON.stringify(header));
  w.u32(hj.length);
  w.bytes(hj);
  writeIdf(w, idf, used);
  const bitmap = new Uint8Array(Math.ceil(used.length / 8));
  let rowsSeen = 0;
  for (let i = 0; i < used.length; i++) {
    const r = model.rowOf[used[i]!]!;
    if (r >= 0) {
      if (r !== rowsSeen) throw new Error('weight rows must be in ascending bucket order');
      rowsSeen++;
      bitmap[i >>> 3]! |= 1 << (i & 7);
    }
  }
  if (rowsSeen !== nRows) throw new Error('weight row without IDF');
  w.bytes(bitmap);
  if (quantized) {
    const c = model.codes!;
    w.bytes(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  } else {
    const f = Float32Array.from(model.weights);
    w.bytes(new Uint8Array(f.buffer));
  }
  return packArtifact(MAGIC, VERSION, w.result(), compress);
}

export function deserializeModel(bytes: Uint8Array): TrainedHead {
  const body = unpackArtifact(bytes, MAGIC, VERSION, 'model artifact', (message) => new Error(message));
  const r = new ByteReader(body);
  const hl = r.u32();
  const header = JSON.parse(new TextDecoder().decode(r.bytes(hl))) as Header;
  const K = header.labels.length;
  const dim = 1 << header.vectorizer.config.bits;
  const { used, idf } = readIdf(r, header.nUsed, dim);
  const bitmap = r.bytes(Math.ceil(header.nUsed / 8));
  const rowOf = new Int32Array(dim).fill(-1);
  let rows = 0;
  for (let i = 0; i < header.nUsed; i++) if (bitmap[i >>> 3]! & (1 << (i & 7))) rowOf[used[i]!] = rows++;
  if (rows !== header.nRows) throw new Error('corrupt model artifact (row count)');
  const scales = Float32Array.from(header.scales);
  const weights = new Float32Array(rows * K);
  let codes: Int8Array | null = null;
  if (header.quantized) {
    codes = new Int8Array(r.bytes(rows * K).slice().buffer);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < K; k++) weights[i * K + k] = scales[k]! * QUANT_TABLE[codes[i * K + k]! & 255]!;
    }
  } else {
    weights.set(new Float32Array(r.bytes(rows * K * 4).slice().buffer));
  }
  return {
    kind: header.kind,
    vectorizer: { config: header.vectorizer.config, idf, nDocs: header.vectorizer.nDocs },
    labels: header.labels,
    rowOf,
    weights,
    bias: Float32Array.from(header.bias),
    scales,
    codes,
    temperature: header.temperature,
    params: header.params,
  };
}
