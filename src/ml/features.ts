/**
 * Hashing TF-IDF vectorizer: word 1..2-grams + char_wb n-grams (default 2..5, inside word
 * boundaries, each word padded with one space on both sides like scikit-learn's `char_wb`),
 * sublinear TF (1 + ln tf), IDF learned at fit time (smooth: ln((1+n)/(1+df)) + 1, buckets whose
 * document frequency is below `minDf` are dropped), the word block and the char block are
 * L2-normalised separately, weighted, added and L2-normalised again.
 *
 * Hash: FNV-1a 32-bit over UTF-16 code units followed by the MurmurHash3 fmix32 finaliser
 * (good low bits for masking), with different seeds for words, word bigrams and char n-grams.
 * Fully deterministic, no dependency.
 */
import { stemOf } from './stem.ts';
import { prepareText, tokenize } from './text.ts';

export interface VectorizerConfig {
  /** log2 of the number of hash buckets (default 20 → 1,048,576). */
  bits: number;
  /** Largest word n-gram: 1 (unigrams only) or 2 (and bigrams, the default); nothing longer is hashed. */
  wordNgramMax: number;
  /** char_wb n-gram range (default 2..5). */
  charNgramMin: number;
  charNgramMax: number;
  /** Minimum document frequency of a bucket (default 2). */
  minDf: number;
  /** 1 + ln(tf) instead of tf (default true). */
  sublinearTf: boolean;
  /** Weight of the word block relative to the char block before the final L2 norm (default 1.5). */
  wordWeight: number;
  /** Hash seed (default 0x9747b28c). */
  hashSeed: number;
  /**
   * A word feature for the stem of each Russian or Kazakh word, beside the word itself (see
   * stem.ts). Absent (models trained before it) means off.
   */
  stems?: boolean;
}

export const DEFAULT_VECTORIZER_CONFIG: Readonly<VectorizerConfig> = Object.freeze({
  bits: 20,
  wordNgramMax: 2,
  charNgramMin: 2,
  charNgramMax: 5,
  minDf: 2,
  sublinearTf: true,
  wordWeight: 1.5,
  hashSeed: 0x9747b28c,
  stems: true,
});

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Compressed sparse rows. Row r occupies [indptr[r], indptr[r+1]) of indices/values. */
export interface SparseMatrix {
  rows: number;
  dim: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  /**
   * Set by `compactColumns`: the indices are then column ids 0..n-1 and this maps each column to
   * its bucket (a training matrix only; rows taken from it are scored with `rowScores`).
   */
  colBucket?: Int32Array;
}

export interface Vectorizer {
  config: VectorizerConfig;
  /** Per-bucket IDF; 0 = bucket not used (never seen or below minDf). */
  idf: Float32Array;
  /** Number of documents the IDF was learned from. */
  nDocs: number;
}

// ---------------------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------------------

const FNV_PRIME = 16777619;

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `s`, finalised with fmix32. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

const SEED_WORD = 0x811c9dc5;
const SEED_CHAR = 0x2c1b3c6d;
const SEED_STEM = 0x5f3759df;
const SPACE = 32;

/**
 * Raw (un-weighted) feature counts of one document: bucket ids (in first-occurrence order) with
 * their count in the word block and in the char block.
 */
export interface DocCounts {
  idx: Int32Array;
  wordCnt: Int32Array;
  charCnt: Int32Array;
}

/**
 * Small open-addressing hash table (bucket → word count, char count) reused across documents;
 * stays in L1/L2 cache, unlike a dense array over 2^20 buckets.
 */
class CountTable {
  cap = 0;
  keys: Int32Array = new Int32Array(0);
  wc: Int32Array = new Int32Array(0);
  cc: Int32Array = new Int32Array(0);
  /** Slots in insertion order. */
  order: Int32Array = new Int32Array(0);
  n = 0;
  constructor() {
    this.alloc(4096);
  }
  private alloc(cap: number): void {
    this.cap = cap;
    this.keys = new Int32Array(cap).fill(-1);
    this.wc = new Int32Array(cap);
    this.cc = new Int32Array(cap);
    this.order = new Int32Array(cap >>> 1);
    this.n = 0;
  }
  private grow(): void {
    const { keys, wc, cc, order, n } = this;
    const ks = new Int32Array(n);
    const ws = new Int32Array(n);
    const cs = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const slot = order[i]!;
      ks[i] = keys[slot]!;
      ws[i] = wc[slot]!;
      cs[i] = cc[slot]!;
    }
    this.alloc(this.cap * 2);
    for (let i = 0; i < n; i++) {
      const slot = this.slotOf(ks[i]!);
      this.wc[slot] = ws[i]!;
      this.cc[slot] = cs[i]!;
    }
  }
  /** Slot of `b`, inserting it when absent. */
  slotOf(b: number): number {
    const mask = this.cap - 1;
    let slot = Math.imul(b, 0x9e3779b1) >>> 0 & mask;
    const keys = this.keys;
    for (;;) {
      const k = keys[slot]!;
      if (k === b) return slot;
      if (k === -1) {
        if (this.n >= this.cap >>> 1) {
          this.grow();
          return this.slotOf(b);
        }
        keys[slot] = b;
        this.order[this.n++] = slot;
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }
  // slotOf may grow the table (new arrays), so the array is read only after it returns.
  addWord(b: number): void {
    const slot = this.slotOf(b);
    this.wc[slot]!++;
  }
  addChar(b: number): void {
    const slot = this.slotOf(b);
    this.cc[slot]!++;
  }
  reset(): void {
    const { keys, wc, cc, order } = this;
    for (let i = 0; i < this.n; i++) {
      const slot = order[i]!;
      keys[slot] = -1;
      wc[slot] = 0;
      cc[slot] = 0;
    }
    this.n = 0;
  }
}

let table = new CountTable();

// Until 2026-11-25 `addWord`/`addChar` read the count array before `slotOf` could grow the
// table, so a text with more distinct buckets than any before it in the process lost one count:
// vectors of long texts depended on what the process had seen. Fixed; `Predictor` still hands
// texts larger than the table to this code (see `countTableRoom`).

/**
 * How many distinct buckets a text can have without the shared count table growing (and so
 * without the quirk above): a text with at most this many vectorises as if the table were big.
 */
export function countTableRoom(): number {
  return table.cap >>> 1;
}

/** Back to the initial table size, as in a fresh process (for tests of the quirk above). */
export function resetCountTable(): void {
  table = new CountTable();
}

/** Hash the features of an already prepared text into the shared table (reset first). */
function fillTable(prepared: string, config: VectorizerConfig): void {
  const mask = (1 << config.bits) - 1;
  const seed = config.hashSeed | 0;
  table.reset();
  const tokens = tokenize(prepared);

  // word n-grams (tokens of length >= 2, like scikit-learn's default token pattern)
  let prev = -1;
  const maxN = config.wordNgramMax;
  for (const t of tokens) {
    if (t.length < 2) {
      prev = -1;
      continue;
    }
    const hw = wordHash(t, seed);
    table.addWord(hw & mask);
    if (config.stems) {
      const stem = stemOf(t);
      if (stem !== null) table.addWord(stemHash(stem, seed) & mask);
    }
    if (maxN >= 2 && prev !== -1) table.addWord(bigramHash(prev, hw) & mask);
    prev = hw;
  }

  // char_wb n-grams (per-token bucket lists are cached: tokens repeat a lot across tickets)
  if (config.charNgramMax > 0) {
    const cache = charCacheFor(config);
    for (const t of tokens) {
      let buckets = cache.get(t);
      if (buckets === undefined) {
        buckets = charBuckets(t, config, mask);
        if (cache.size >= CHAR_CACHE_MAX) cache.clear();
        cache.set(t, buckets);
      }
      for (let i = 0; i < buckets.length; i++) table.addChar(buckets[i]!);
    }
  }
}

const CHAR_CACHE_MAX = 100_000;
const charCaches = new Map<string, Map<string, Int32Array>>();
function charCacheFor(config: VectorizerConfig): Map<string, Int32Array> {
  const key = `${config.bits}:${config.hashSeed}:${config.charNgramMin}:${config.charNgramMax}`;
  let c = charCaches.get(key);
  if (!c) {
    c = new Map();
    charCaches.set(key, c);
  }
  return c;
}

let charScratch = new Int32Array(256);
/** Hash of a word token (before masking to the bucket count); `seed` = the config's hashSeed. */
export function wordHash(t: string, seed: number): number {
  let h = (SEED_WORD ^ seed) | 0;
  for (let i = 0; i < t.length; i++) {
    h ^= t.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

/** Hash of a word's stem (before masking): the word hash of the stem with a seed of its own. */
export function stemHash(stem: string, seed: number): number {
  return wordHash(stem, (seed ^ SEED_STEM) | 0);
}

/** Hash of a word bigram from the hashes of its two words (before masking). */
export function bigramHash(prev: number, hw: number): number {
  return fmix32(Math.imul(prev, 0x9e3779b1) ^ hw ^ 0x5bd1e995);
}

/**
 * Buckets of the char_wb n-grams of one token (" token " padded), in generation order. The FNV
 * state of each start position is extended one char at a time, so all n-grams from one start
 * cost one step each and no substring is built.
 */
export function charBuckets(t: string, config: VectorizerConfig, mask: number): Int32Array {
  const minC = config.charNgramMin;
  const maxC = config.charNgramMax;
  const cseed = (SEED_CHAR ^ config.hashSeed) | 0;
  const len = t.length + 2;
  const need = len * (maxC - minC + 1);
  if (charScratch.length < need) charScratch = new Int32Array(need * 2);
  let n = 0;
  for (let i = 0; i < len; i++) {
    let h = cseed;
    const end = Math.min(len, i + maxC);
    for (let j = i; j < end; j++) {
      const c = j === 0 || j === len - 1 ? SPACE : t.charCodeAt(j - 1);
      h ^= c;
      h = Math.imul(h, FNV_PRIME);
      if (j - i + 1 >= minC) charScratch[n++] = fmix32(h) & mask;
    }
    if (i + minC >= len) break;
  }
  return charScratch.slice(0, n);
}

/** Hash the features of an already prepared text (see `prepareText`) into raw counts. */
export function countFeatures(prepared: string, config: VectorizerConfig): DocCounts {
  fillTable(prepared, config);
  const n = table.n;
  const idx = new Int32Array(n);
  const wordCnt = new Int32Array(n);
  const charCnt = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const slot = table.order[i]!;
    idx[i] = table.keys[slot]!;
    wordCnt[i] = table.wc[slot]!;
    charCnt[i] = table.cc[slot]!;
  }
  return { idx, wordCnt, charCnt };
}

// ---------------------------------------------------------------------------------------------
// TF-IDF
// ---------------------------------------------------------------------------------------------

/** Quantise an IDF value to 1/1024 steps (so that serialisation is exact, see model.ts). */
export function quantizeIdf(v: number): number {
  return Math.round(v * 1024) / 1024;
}

const LOG_TABLE_SIZE = 1024;
/** SUBLINEAR[c] = 1 + ln c (c >= 1), SUBLINEAR[0] = 0. */
const SUBLINEAR = (() => {
  const t = new Float64Array(LOG_TABLE_SIZE);
  for (let c = 1; c < LOG_TABLE_SIZE; c++) t[c] = 1 + Math.log(c);
  return t;
})();
function tf(c: number, sublinear: boolean): number {
  if (!sublinear) return c;
  return c < LOG_TABLE_SIZE ? SUBLINEAR[c]! : 1 + Math.log(c);
}

let scratchW = new Float64Array(4096);
let scratchC = new Float64Array(4096);
let scratchI = new Int32Array(4096);

/**
 * Core weighting: TF-IDF per block, block L2 norms, block weighting, final L2 norm.
 * Reads n entries (key, word count, char count), where `idf[key]` is the key's IDF (a bucket's,
 * or a feature id's when the caller has renumbered the buckets); entries with IDF 0 are dropped,
 * the order of the others is kept. Writes the kept keys and their float32 values to `outKeys` /
 * `outValues` (each at least n long) and returns how many there are. The one implementation of
 * the arithmetic: every vectoriser path calls it, so their values are bit-identical.
 */
export function weighInto(
  idf: Float32Array,
  config: VectorizerConfig,
  n: number,
  keys: Int32Array,
  wCnt: Int32Array,
  cCnt: Int32Array,
  outKeys: Int32Array,
  outValues: Float32Array,
): number {
  if (scratchW.length < n) {
    scratchW = new Float64Array(n * 2);
    scratchC = new Float64Array(n * 2);
  }
  const sub = config.sublinearTf;
  let m = 0;
  let nw = 0;
  let nc = 0;
  for (let i = 0; i < n; i++) {
    const b = keys[i]!;
    const w = idf[b]!;
    if (w === 0) continue;
    const a = wCnt[i]!;
    const c = cCnt[i]!;
    const vw = a > 0 ? tf(a, sub) * w : 0;
    const vc = c > 0 ? tf(c, sub) * w : 0;
    nw += vw * vw;
    nc += vc * vc;
    outKeys[m] = b;
    scratchW[m] = vw;
    scratchC[m] = vc;
    m++;
  }
  const sa = nw > 0 ? config.wordWeight / Math.sqrt(nw) : 0;
  const sb = nc > 0 ? 1 / Math.sqrt(nc) : 0;
  let norm2 = 0;
  for (let i = 0; i < m; i++) {
    const v = scratchW[i]! * sa + scratchC[i]! * sb;
    scratchW[i] = v;
    norm2 += v * v;
  }
  const s = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
  for (let i = 0; i < m; i++) outValues[i] = scratchW[i]! * s;
  return m;
}

let scratchV = new Float32Array(4096);

/** `weighInto` into fresh arrays. */
function weighRaw(vec: Vectorizer, n: number, bIdx: Int32Array, wCnt: Int32Array, cCnt: Int32Array): SparseVector {
  if (scratchI.length < n) {
    scratchI = new Int32Array(n * 2);
    scratchV = new Float32Array(n * 2);
  }
  const m = weighInto(vec.idf, vec.config, n, bIdx, wCnt, cCnt, scratchI, scratchV);
  return { indices: scratchI.slice(0, m), values: scratchV.slice(0, m) };
}

/** Turn raw counts into the final L2-normalised TF-IDF vector. */
export function weighCounts(vec: Vectorizer, counts: DocCounts): SparseVector {
  return weighRaw(vec, counts.idx.length, counts.idx, counts.wordCnt, counts.charCnt);
}

let tIdx = new Int32Array(4096);
let tW = new Int32Array(4096);
let tC = new Int32Array(4096);

/** Vectorise one prepared text without materialising the counts (fast path for prediction). */
export function transformPrepared(vec: Vectorizer, prepared: string): SparseVector {
  fillTable(prepared, vec.config);
  const { order, keys, wc, cc } = table;
  const n = table.n;
  if (tIdx.length < n) {
    tIdx = new Int32Array(n * 2);
    tW = new Int32Array(n * 2);
    tC = new Int32Array(n * 2);
  }
  for (let i = 0; i < n; i++) {
    const slot = order[i]!;
    tIdx[i] = keys[slot]!;
    tW[i] = wc[slot]!;
    tC[i] = cc[slot]!;
  }
  return weighRaw(vec, n, tIdx, tW, tC);
}

/** IDF of each bucket from its document frequencies (0: unused, or below minDf). */
function idfFrom(df: Int32Array, n: number, config: VectorizerConfig): Float32Array {
  const idf = new Float32Array(df.length);
  for (let b = 0; b < df.length; b++) {
    const f = df[b]!;
    if (f >= config.minDf && f > 0) idf[b] = quantizeIdf(Math.log((1 + n) / (1 + f)) + 1);
  }
  return idf;
}

/** Learn IDF from raw counts of a corpus. */
export function fitIdf(docs: readonly DocCounts[], config: VectorizerConfig): Vectorizer {
  const dim = 1 << config.bits;
  const df = new Int32Array(dim);
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d]!;
    const arr = doc.idx;
    for (let i = 0; i < arr.length; i++) df[arr[i]!]!++;
  }
  return { config: { ...config }, idf: idfFrom(df, docs.length, config), nDocs: docs.length };
}

/**
 * Frees a typed array's memory now (ES2024 ArrayBuffer.prototype.transfer, Node >= 21; the
 * array is left empty): for large temporaries that would otherwise stay resident until the
 * next full collection.
 */
export function releaseBuffer(array: ArrayBufferView): void {
  (array.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
}

/**
 * Raw counts of a whole corpus, appended document by document into one pair of arrays: a bucket
 * (Int32) and its word and char counts packed into one Uint32 (16 bits each; a count that does
 * not fit is kept exactly in `overflow`). Weighing then turns them into the CSR matrix in place:
 * the kept buckets move down over the read ones and the float32 values are written over the
 * packed counts (same byte size), so the matrix costs no copy. The arrays are sized from the
 * texts' length with room to spare: pages never written are never resident.
 *
 * Before, one DocCounts per document (12 bytes an entry and three typed arrays each), one vector
 * per row and the stacked matrix were alive together: `model train` on the 28,684 it-tickets
 * train texts (15.7 million entries) peaked at 1.14 GB; now the vectoriser holds 8 bytes an entry.
 */
class CorpusCounts {
  keys: Int32Array;
  packed: Uint32Array;
  /** Entry -> exact [word, char] counts when one of them is above 0xfffe. */
  readonly overflow = new Map<number, [number, number]>();
  /** First entry of each document (and the end), becoming the matrix's indptr. */
  readonly starts: Int32Array;
  docs = 0;
  entries = 0;

  constructor(docs: number, capacity: number) {
    this.starts = new Int32Array(docs + 1);
    this.keys = new Int32Array(capacity);
    this.packed = new Uint32Array(capacity);
  }

  /** Appends the shared table's counts as the next document; counts its distinct buckets into df. */
  addTable(df: Int32Array): void {
    const { order, keys, wc, cc } = table;
    const n = table.n;
    const base = this.entries;
    if (base + n > this.keys.length) this.grow(base + n);
    const k = this.keys;
    const p = this.packed;
    for (let i = 0; i < n; i++) {
      const slot = order[i]!;
      const b = keys[slot]!;
      const w = wc[slot]!;
      const c = cc[slot]!;
      k[base + i] = b;
      df[b]!++;
      if (w < 0xffff && c < 0xffff) p[base + i] = w * 0x10000 + c;
      else {
        p[base + i] = 0xffffffff;
        this.overflow.set(base + i, [w, c]);
      }
    }
    this.entries += n;
    this.starts[++this.docs] = this.entries;
  }

  /** More room than the estimate gave (not seen on real tickets): copy, and free the old arrays now. */
  private grow(need: number): void {
    const capacity = Math.max(need, Math.ceil(this.keys.length * 1.5));
    const keys = new Int32Array(capacity);
    const packed = new Uint32Array(capacity);
    keys.set(this.keys.subarray(0, this.entries));
    packed.set(this.packed.subarray(0, this.entries));
    releaseBuffer(this.keys);
    releaseBuffer(this.packed);
    this.keys = keys;
    this.packed = packed;
  }

  /** The TF-IDF matrix (the same values as weighCounts of each document), in place of the counts. */
  weigh(vec: Vectorizer): SparseMatrix {
    const idf = vec.idf;
    const keys = this.keys;
    const packed = this.packed;
    const values = new Float32Array(packed.buffer, packed.byteOffset, packed.length);
    const indptr = this.starts;
    let out = 0;
    let readStart = 0;
    for (let d = 0; d < this.docs; d++) {
      const readEnd = indptr[d + 1]!;
      const n = readEnd - readStart;
      if (tIdx.length < n) {
        tIdx = new Int32Array(n * 2);
        tW = new Int32Array(n * 2);
        tC = new Int32Array(n * 2);
      }
      // The document's counts go to scratch first: its output may overwrite them.
      for (let i = 0; i < n; i++) {
        tIdx[i] = keys[readStart + i]!;
        const v = packed[readStart + i]!;
        if (v === 0xffffffff) {
          const [w, c] = this.overflow.get(readStart + i)!;
          tW[i] = w;
          tC[i] = c;
        } else {
          tW[i] = v >>> 16;
          tC[i] = v & 0xffff;
        }
      }
      out += weighInto(idf, vec.config, n, tIdx, tW, tC, keys.subarray(out), values.subarray(out));
      indptr[d + 1] = out;
      readStart = readEnd;
    }
    return { rows: this.docs, dim: 1 << vec.config.bits, indptr, indices: keys.subarray(0, out), values: values.subarray(0, out) };
  }
}

/**
 * Entries a corpus may need: a text of L characters has fewer than 6 L distinct features (at most
 * four char n-grams start at each character, and a word brings at most itself, its stem and a
 * bigram); 1.9 L on the it-tickets. Only the written part of the arrays is resident.
 */
function countsCapacity(texts: readonly string[]): number {
  let chars = 0;
  for (const t of texts) chars += t.length;
  return Math.min(6 * chars + 16 * texts.length + 1024, 0x3fffffff);
}

/** Fit a vectorizer on prepared texts and return it with the transformed training matrix. */
export function fitTransform(
  preparedTexts: readonly string[],
  config: Partial<VectorizerConfig> = {},
): { vectorizer: Vectorizer; matrix: SparseMatrix } {
  const cfg: VectorizerConfig = { ...DEFAULT_VECTORIZER_CONFIG, ...config };
  if (!Number.isInteger(cfg.bits) || cfg.bits < 8 || cfg.bits > 24) throw new Error('bits must be 8..24');
  // Longer word n-grams are not hashed (fillTable, predictor.ts): 3 would silently train as 2.
  if (cfg.wordNgramMax !== 1 && cfg.wordNgramMax !== 2) throw new Error('wordNgramMax must be 1 or 2');
  const df = new Int32Array(1 << cfg.bits);
  const counts = new CorpusCounts(preparedTexts.length, countsCapacity(preparedTexts));
  for (const text of preparedTexts) {
    fillTable(text, cfg);
    counts.addTable(df);
  }
  const vectorizer: Vectorizer = { config: { ...cfg }, idf: idfFrom(df, preparedTexts.length, cfg), nDocs: preparedTexts.length };
  return { vectorizer, matrix: counts.weigh(vectorizer) };
}

/** Stack sparse vectors into a CSR matrix. */
export function stackRows(rows: readonly SparseVector[], dim: number): SparseMatrix {
  let nnz = 0;
  for (const r of rows) nnz += r.indices.length;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    indices.set(row.indices, p);
    values.set(row.values, p);
    p += row.indices.length;
    indptr[r + 1] = p;
  }
  return { rows: rows.length, dim, indptr, indices, values };
}

/** Vectorise one raw text (runs `prepareText`). */
export function transform(vec: Vectorizer, raw: string): SparseVector {
  return transformPrepared(vec, prepareText(raw));
}

/** Vectorise many raw texts into a CSR matrix. */
export function transformMany(vec: Vectorizer, raws: readonly string[]): SparseMatrix {
  return stackRows(raws.map((t) => transform(vec, t)), 1 << vec.config.bits);
}

/**
 * Renumbers a training matrix's buckets into column ids 0..n-1, in place, in order of first
 * appearance (what the solver's `compact` did per head, into a copy of the indices: 4 bytes a
 * non-zero, 84 MB for 38,000 it-tickets texts). The column order changes nothing the solver
 * computes (W's rows are only storage; the head is written in bucket order).
 */
export function compactColumns(m: SparseMatrix): void {
  if (m.colBucket) return;
  const map = new Int32Array(m.dim).fill(-1);
  let cols = 0;
  const indices = m.indices;
  for (let p = 0; p < indices.length; p++) {
    const b = indices[p]!;
    let c = map[b]!;
    if (c === -1) c = map[b] = cols++;
    indices[p] = c;
  }
  const colBucket = new Int32Array(cols);
  for (let b = 0; b < m.dim; b++) if (map[b]! >= 0) colBucket[map[b]!] = b;
  m.colBucket = colBucket;
}

/** Select rows of a CSR matrix. */
export function selectRows(m: SparseMatrix, rowIds: ArrayLike<number>): SparseMatrix {
  let nnz = 0;
  for (let i = 0; i < rowIds.length; i++) {
    const r = rowIds[i]!;
    nnz += m.indptr[r + 1]! - m.indptr[r]!;
  }
  const indptr = new Int32Array(rowIds.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < rowIds.length; i++) {
    const r = rowIds[i]!;
    const a = m.indptr[r]!;
    const b = m.indptr[r + 1]!;
    indices.set(m.indices.subarray(a, b), p);
    values.set(m.values.subarray(a, b), p);
    p += b - a;
    indptr[i + 1] = p;
  }
  return m.colBucket ? { rows: rowIds.length, dim: m.dim, indptr, indices, values, colBucket: m.colBucket } : { rows: rowIds.length, dim: m.dim, indptr, indices, values };
}

/** Row r of a CSR matrix as a sparse vector (views, no copy). */
export function getRow(m: SparseMatrix, r: number): SparseVector {
  const a = m.indptr[r]!;
  const b = m.indptr[r + 1]!;
  return { indices: m.indices.subarray(a, b), values: m.values.subarray(a, b) };
}
