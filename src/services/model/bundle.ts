/**
 * The artifact stored in ml_models.artifact: every head of one model, sharing one vectorizer
 * that is stored once (a single head's `serializeModel` artifact repeats the vectorizer, which
 * is a third of its size, and each deserialised copy costs 8 MB of lookup tables in memory).
 *
 * Layout (little endian):
 *   0  'HDMB'           magic
 *   4  u8 version (1)
 *   5  u8 flags         bit 0: body is raw-DEFLATE compressed
 *   6  body:
 *        u32 header length, header JSON (UTF-8): format, vectorizer {config, nDocs, nUsed},
 *            heads [{name, kind, labels, temperature, params, nRows, quantized, bias, scales}]
 *        used buckets (IDF ≠ 0): LEB128 varints, delta-coded, ascending      — once
 *        IDF: u16 per used bucket (IDF · 1024, exact: IDFs are quantised to 1/1024)  — once
 *        per head, in header order:
 *          row bitmap: 1 bit per used bucket, set when the head has a weight row for it
 *          weights: rows × K int8 codes (quantised) or float32 (unquantised)
 *
 * Values are stored exactly, so a decoded bundle predicts bit-identically to the trained heads.
 */
import { ByteReader, ByteWriter, packArtifact, unpackArtifact } from '../../ml/bytes.ts';
import { readIdf, usedBuckets, writeIdf } from '../../ml/model.ts';
import { QUANT_TABLE } from '../../ml/classifier.ts';
import type { TrainedHead } from '../../ml/classifier.ts';
import type { Vectorizer, VectorizerConfig } from '../../ml/features.ts';

const MAGIC = [0x48, 0x44, 0x4d, 0x42]; // HDMB
const VERSION = 1;

export interface ModelBundle {
  vectorizer: Vectorizer;
  /** Head name -> head; every head's `vectorizer` is the bundle's vectorizer. */
  heads: Record<string, TrainedHead>;
}

interface HeadHeader {
  name: string;
  kind: TrainedHead['kind'];
  labels: string[];
  temperature: number;
  params: TrainedHead['params'];
  nRows: number;
  quantized: boolean;
  bias: number[];
  scales: number[];
}

interface BundleHeader {
  format: 'helpdesk-model-bundle';
  vectorizer: { config: VectorizerConfig; nDocs: number; nUsed: number };
  heads: HeadHeader[];
}

export class BundleFormatError extends Error {}

function sameVectorizer(a: Vectorizer, b: Vectorizer): boolean {
  if (a === b) return true;
  if (JSON.stringify(a.config) !== JSON.stringify(b.config) || a.nDocs !== b.nDocs || a.idf.length !== b.idf.length) return false;
  for (let i = 0; i < a.idf.length; i++) if (a.idf[i] !== b.idf[i]) return false;
  return true;
}


/** Encodes all heads (which must share one vectorizer) into one artifact. Byte-deterministic. */
export function encodeBundle(bundle: ModelBundle, options: { compress?: boolean } = {}): Uint8Array {
  const compress = options.compress ?? true;
  const { vectorizer } = bundle;
  const names = Object.keys(bundle.heads);
  if (names.length === 0) throw new Error('a model bundle needs at least one head');
  const idf = vectorizer.idf;
  const used = usedBuckets(idf);
  const headers: HeadHeader[] = [];
  for (const name of names) {
    const head = bundle.heads[name]!;
    if (!sameVectorizer(head.vectorizer, vectorizer)) throw new Error(`head ${name} has its own vectorizer: heads of a bundle must share one`);
    headers.push({
      name,
      kind: head.kind,
      labels: head.labels,
      temperature: head.temperature,
      params: head.params,
      nRows: head.weights.length / head.labels.length,
      quantized: head.codes !== null,
      bias: Array.from(head.bias),
      scales: Array.from(head.scales),
    });
  }
  const header: BundleHeader = {
    format: 'helpdesk-model-bundle',
    vectorizer: { config: vectorizer.config, nDocs: vectorizer.nDocs, nUsed: used.length },
    heads: headers,
  };
  const w = new ByteWriter();
  const json = new TextEncoder().encode(JSON.stringify(header));
  w.u32(json.length);
  w.bytes(json);
  writeIdf(w, idf, used);
  for (const h of headers) {
    const head = bundle.heads[h.name]!;
    const bitmap = new Uint8Array(Math.ceil(used.length / 8));
    let rows = 0;
    for (let i = 0; i < used.length; i++) {
      const r = head.rowOf[used[i]!]!;
      if (r < 0) continue;
      if (r !== rows) throw new Error(`head ${h.name}: weight rows must be in ascending bucket order`);
      rows++;
      bitmap[i >>> 3]! |= 1 << (i & 7);
    }
    if (rows !== h.nRows) throw new Error(`head ${h.name}: a weight row for a bucket without IDF`);
    w.bytes(bitmap);
    if (h.quantized) {
      const c = head.codes!;
      w.bytes(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    } else {
      const f = Float32Array.from(head.weights);
      w.bytes(new Uint8Array(f.buffer));
    }
  }
  return packArtifact(MAGIC, VERSION, w.result(), compress);
}

/** Decodes an artifact written by `encodeBundle`; all heads share the returned vectorizer. */
export function decodeBundle(bytes: Uint8Array): ModelBundle {
  const body = unpackArtifact(bytes, MAGIC, VERSION, 'model bundle', (message) => new BundleFormatError(message));
  const r = new ByteReader(body, (message) => new BundleFormatError(message));
  let header: BundleHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(r.bytes(r.u32()))) as BundleHeader;
  } catch (error) {
    if (error instanceof BundleFormatError) throw error;
    throw new BundleFormatError('model artifact header is not valid JSON');
  }
  if (header.format !== 'helpdesk-model-bundle') throw new BundleFormatError('not a helpdesk model bundle');
  const { config, nDocs, nUsed } = header.vectorizer;
  const dim = 1 << config.bits;
  const { used, idf } = readIdf(r, nUsed, dim);
  const vectorizer: Vectorizer = { config, idf, nDocs };
  const heads: Record<string, TrainedHead> = {};
  for (const h of header.heads) {
    const K = h.labels.length;
    const bitmap = r.bytes(Math.ceil(nUsed / 8));
    const rowOf = new Int32Array(dim).fill(-1);
    let rows = 0;
    for (let i = 0; i < nUsed; i++) if (bitmap[i >>> 3]! & (1 << (i & 7))) rowOf[used[i]!] = rows++;
    if (rows !== h.nRows) throw new BundleFormatError(`model artifact is corrupt (head ${h.name}: row count)`);
    const scales = Float32Array.from(h.scales);
    const weights = new Float32Array(rows * K);
    let codes: Int8Array | null = null;
    if (h.quantized) {
      codes = new Int8Array(r.bytes(rows * K).slice().buffer);
      for (let i = 0; i < rows * K; i++) weights[i] = scales[i % K]! * QUANT_TABLE[codes[i]! & 255]!;
    } else {
      weights.set(new Float32Array(r.bytes(rows * K * 4).slice().buffer));
    }
    heads[h.name] = {
      kind: h.kind,
      vectorizer,
      labels: h.labels,
      rowOf,
      weights,
      bias: Float32Array.from(h.bias),
      scales,
      codes,
      temperature: h.temperature,
      params: h.params,
    };
  }
  if (r.pos !== body.length) throw new BundleFormatError('model artifact has trailing bytes');
  return { vectorizer, heads };
}
