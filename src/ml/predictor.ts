/**
 * Prediction fast path: the vectorizer and the weights of several heads compiled into one
 * structure that turns a prepared text into every head's decision scores.
 *
 * The results are bit-identical to `transformPrepared` followed by `decisionScores` per head:
 * the same features in the same order, the same TF-IDF arithmetic (`weighInto` is shared), and
 * the same products added in the same order. Only where the numbers live changes:
 *
 * - Buckets are renumbered once, at compile time: every bucket with a non-zero IDF gets a feature
 *   id, the ids of buckets with a weight row in some head first, each group by ascending IDF (the
 *   most frequent n-grams first, so the rows most texts touch sit together in cache). A bucket
 *   without an IDF is dropped as soon as it is hashed (`weighInto` drops it anyway).
 * - Per distinct token, the word hash, the word's feature id and the feature ids of its char
 *   n-grams are cached; most tokens of a ticket have been seen before, so most features are
 *   found without hashing or a lookup in the 2^20-bucket tables.
 * - Counts go into arrays indexed by the feature's position in the text, found through an
 *   epoch-stamped dense array over feature ids (no hash table, nothing to clear between texts).
 * - All heads' weights are one table, feature-major: one row of (sum of the heads' label counts)
 *   weights per feature id. Heads quantised to 8 bits (the default) keep their 8-bit codes, one
 *   byte per weight instead of four, decoded through a per-class table of the exact float32
 *   weight of each code (checked against the head's weights at compile time; any mismatch, or
 *   an unquantised head, and the table holds the float32 weights instead). The table is four
 *   times smaller, and the scoring loop is bound by cache misses on it.
 */
import type { TrainedHead } from './classifier.ts';
import { QUANT_TABLE } from './classifier.ts';
import { bigramHash, charBuckets, countTableRoom, stemHash, transformPrepared, weighInto, wordHash } from './features.ts';
import { stemOf } from './stem.ts';
import type { Vectorizer, VectorizerConfig } from './features.ts';
import { tokenize } from './text.ts';

export interface PredictorHead {
  name: string;
  head: TrainedHead;
  /** First score of this head in the fused score vector. */
  offset: number;
  /** Number of labels. */
  k: number;
}

/** Cached per-token entries hold at most this many tokens, then start again (bounds memory). */
export const TOKEN_CACHE_MAX = 100_000;
/**
 * Entry layout: [word hash (int32), word feature id (-1: IDF 0, SHORT: no word feature), number
 * of the token's char n-grams with IDF 0, stem feature id (-1: IDF 0, NO_STEM: none), char feature ids
 * (IDF > 0) in generation order...].
 */
const SHORT = -2;
const CHARS = 4;
/** e[3] of a token without a stem feature. */
const NO_STEM = -3;

export class Predictor {
  readonly heads: PredictorHead[];
  /** Sum of the heads' label counts: length of the score vector. */
  readonly width: number;
  /** Whether the table holds 8-bit codes (else float32 weights). */
  readonly quantised: boolean;
  /** Number of feature ids (buckets with a non-zero IDF) and of those with a weight row. */
  readonly features: number;
  readonly rows: number;

  private readonly vectorizer: Vectorizer;
  private readonly config: VectorizerConfig;
  private readonly mask: number;
  private readonly seed: number;
  /** bucket -> feature id, or -1 (IDF 0). */
  private readonly idOf: Int32Array;
  /** feature id -> IDF. */
  private readonly idf: Float32Array;
  /** rows × width codes (as bytes) or weights, feature-major; feature id = row. */
  private readonly codes: Uint8Array;
  private readonly weights: Float32Array;
  /** width × 256: the weight of each code for each score. */
  private readonly decode: Float32Array;
  private readonly bias: Float64Array;
  private readonly scores: Float64Array;

  private readonly cache = new Map<string, Int32Array>();
  private entries: Int32Array[] = [];
  private epoch = 0;
  private readonly mark: Int32Array;
  private readonly posOf: Int32Array;
  private readonly order: Int32Array;
  private readonly wc: Int32Array;
  private readonly cc: Int32Array;
  private readonly outIds: Int32Array;
  private readonly outValues: Float32Array;
  private nOut = 0;

  constructor(vectorizer: Vectorizer, heads: readonly { name: string; head: TrainedHead }[]) {
    const config = vectorizer.config;
    this.vectorizer = vectorizer;
    this.config = config;
    this.mask = (1 << config.bits) - 1;
    this.seed = config.hashSeed | 0;
    const dim = 1 << config.bits;
    const idf = vectorizer.idf;

    this.heads = [];
    let width = 0;
    for (const { name, head } of heads) {
      this.heads.push({ name, head, offset: width, k: head.labels.length });
      width += head.labels.length;
    }
    this.width = width;

    // feature ids: buckets with a row in some head first, then the others; each by IDF, bucket
    const hasRow = (b: number) => this.heads.some((h) => h.head.rowOf[b]! >= 0);
    const withRow: number[] = [];
    const without: number[] = [];
    for (let b = 0; b < dim; b++) if (idf[b] !== 0) (hasRow(b) ? withRow : without).push(b);
    const byIdf = (a: number, b: number) => idf[a]! - idf[b]! || a - b;
    withRow.sort(byIdf);
    without.sort(byIdf);
    const buckets = withRow.concat(without);
    this.features = buckets.length;
    this.rows = withRow.length;
    this.idOf = new Int32Array(dim).fill(-1);
    this.idf = new Float32Array(buckets.length);
    for (let id = 0; id < buckets.length; id++) {
      this.idOf[buckets[id]!] = id;
      this.idf[id] = idf[buckets[id]!]!;
    }

    this.decode = new Float32Array(width * 256);
    let quantised = this.heads.length > 0;
    for (const { head, offset, k } of this.heads) {
      if (!head.codes) {
        quantised = false;
        break;
      }
      for (let j = 0; j < k; j++) {
        for (let c = 0; c < 256; c++) this.decode[(offset + j) * 256 + c] = Math.fround(head.scales[j]! * QUANT_TABLE[c]!);
        // a head without a row for a feature adds +0, as an all-zero float32 row would
        if (!Object.is(this.decode[(offset + j) * 256], 0)) quantised = false;
      }
      const { codes, weights } = head;
      for (let i = 0; quantised && i < weights.length; i++) {
        if (!Object.is(weights[i], this.decode[(offset + (i % k)) * 256 + (codes[i]! & 255)])) quantised = false;
      }
    }
    this.quantised = quantised;
    this.codes = new Uint8Array(quantised ? this.rows * width : 0);
    this.weights = new Float32Array(quantised ? 0 : this.rows * width);
    for (const { head, offset, k } of this.heads) {
      const { rowOf, codes, weights } = head;
      for (let id = 0; id < this.rows; id++) {
        const r = rowOf[buckets[id]!]!;
        if (r < 0) continue;
        const base = id * width + offset;
        if (quantised) for (let j = 0; j < k; j++) this.codes[base + j] = codes![r * k + j]! & 255;
        else for (let j = 0; j < k; j++) this.weights[base + j] = weights[r * k + j]!;
      }
    }
    this.bias = new Float64Array(width);
    for (const { head, offset, k } of this.heads) for (let j = 0; j < k; j++) this.bias[offset + j] = head.bias[j]!;
    this.scores = new Float64Array(width);

    // a text has at most one entry per feature id
    const n = this.features + 1;
    this.mark = new Int32Array(n);
    this.posOf = new Int32Array(n);
    this.order = new Int32Array(n);
    this.wc = new Int32Array(n);
    this.cc = new Int32Array(n);
    this.outIds = new Int32Array(n);
    this.outValues = new Float32Array(n);
  }

  /** The cached entry of a token (see SHORT), computed on a miss. */
  private entry(t: string): Int32Array {
    let e = this.cache.get(t);
    if (e !== undefined) return e;
    const config = this.config;
    const idOf = this.idOf;
    const short = t.length < 2;
    const hw = short ? 0 : wordHash(t, this.seed);
    const chars = config.charNgramMax > 0 ? charBuckets(t, config, this.mask) : new Int32Array(0);
    let m = 0;
    for (let i = 0; i < chars.length; i++) if (idOf[chars[i]!]! >= 0) m++;
    e = new Int32Array(CHARS + m);
    e[0] = hw | 0;
    e[1] = short ? SHORT : idOf[hw & this.mask]!;
    e[2] = chars.length - m;
    const stem = !short && config.stems ? stemOf(t) : null;
    e[3] = stem === null ? NO_STEM : idOf[stemHash(stem, this.seed) & this.mask]!;
    m = CHARS;
    for (let i = 0; i < chars.length; i++) {
      const id = idOf[chars[i]!]!;
      if (id >= 0) e[m++] = id;
    }
    if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
    this.cache.set(t, e);
    return e;
  }

  /** Count the features of a prepared text and weigh them into outIds / outValues. */
  private vectorise(prepared: string): void {
    let epoch = this.epoch + 1;
    if (epoch > 0x3fffffff) {
      this.mark.fill(0);
      epoch = 1;
    }
    this.epoch = epoch;
    const { mark, posOf, order, wc, cc, idOf, mask } = this;
    let n = 0;
    let dropped = 0;
    const tokens = tokenize(prepared);
    const entries = this.entries.length >= tokens.length ? this.entries : (this.entries = new Array<Int32Array>(tokens.length * 2));

    // word n-grams first (unigrams of tokens of 2+ chars, bigrams of neighbouring ones) ...
    const bigrams = this.config.wordNgramMax >= 2;
    let prev = 0;
    let hasPrev = false;
    for (let t = 0; t < tokens.length; t++) {
      const e = this.entry(tokens[t]!);
      entries[t] = e;
      const wid = e[1]!;
      if (wid === SHORT) {
        hasPrev = false;
        continue;
      }
      const hw = e[0]!;
      if (wid < 0) dropped++;
      else {
        if (mark[wid] !== epoch) {
          mark[wid] = epoch;
          posOf[wid] = n;
          order[n] = wid;
          wc[n] = 0;
          cc[n] = 0;
          n++;
        }
        wc[posOf[wid]!]!++;
      }
      // the stem right after its word, as features.ts counts them
      const sid = e[3]!;
      if (sid !== NO_STEM) {
        if (sid < 0) dropped++;
        else {
          if (mark[sid] !== epoch) {
            mark[sid] = epoch;
            posOf[sid] = n;
            order[n] = sid;
            wc[n] = 0;
            cc[n] = 0;
            n++;
          }
          wc[posOf[sid]!]!++;
        }
      }
      if (bigrams && hasPrev) {
        const id = idOf[bigramHash(prev, hw) & mask]!;
        if (id >= 0) {
          if (mark[id] !== epoch) {
            mark[id] = epoch;
            posOf[id] = n;
            order[n] = id;
            wc[n] = 0;
            cc[n] = 0;
            n++;
          }
          wc[posOf[id]!]!++;
        } else dropped++;
      }
      prev = hw;
      hasPrev = true;
    }

    // ... then char n-grams
    for (let t = 0; t < tokens.length; t++) {
      const e = entries[t]!;
      dropped += e[2]!;
      for (let i = CHARS; i < e.length; i++) {
        const id = e[i]!;
        if (mark[id] !== epoch) {
          mark[id] = epoch;
          posOf[id] = n;
          order[n] = id;
          wc[n] = 0;
          cc[n] = 0;
          n++;
        }
        cc[posOf[id]!]!++;
      }
    }
    // More distinct buckets (counting those with IDF 0 as distinct) than the shared count table
    // of features.ts has room for: there, the table would grow and drop one count (see the quirk
    // described at `countTableRoom`), so vectorise with that code, as before.
    if (n + dropped > countTableRoom()) {
      const x = transformPrepared(this.vectorizer, prepared);
      this.mapVector(x.indices, x.values);
      return;
    }
    this.nOut = weighInto(this.idf, this.config, n, order, wc, cc, this.outIds, this.outValues);
  }

  /** A bucket-indexed vector into outIds / outValues. */
  private mapVector(indices: Int32Array, values: Float32Array): void {
    if (indices.length > this.outIds.length) throw new Error(`feature vector longer (${indices.length}) than the vectorizer's features`);
    let n = 0;
    for (let j = 0; j < indices.length; j++) {
      const id = this.idOf[indices[j]!]!;
      if (id < 0) continue;
      this.outIds[n] = id;
      this.outValues[n] = values[j]!;
      n++;
    }
    this.nOut = n;
  }

  /**
   * Bias + Σ value × weight over the feature ids in outIds / outValues, added in the order of the
   * features for each score. Eight (then four, then one) scores at a time in local variables
   * (registers) over all the features with a row; the first pass brings the rows into cache.
   */
  private scoreOut(): Float64Array {
    const { scores, width, rows, outIds, outValues, bias } = this;
    const { codes, decode } = this;
    const quantised = this.quantised;
    // the features with a row, and where their rows start
    let n = 0;
    for (let j = 0; j < this.nOut; j++) {
      const id = outIds[j]!;
      if (id >= rows) continue;
      const b = id * width;

      outIds[n] = b;
      outValues[n] = outValues[j]!;
      n++;
    }
    const base = outIds;
    if (quantised) {
      let k = 0;
      for (; k + 8 <= width; k += 8) {
        let s0 = bias[k]!;
        let s1 = bias[k + 1]!;
        let s2 = bias[k + 2]!;
        let s3 = bias[k + 3]!;
        let s4 = bias[k + 4]!;
        let s5 = bias[k + 5]!;
        let s6 = bias[k + 6]!;
        let s7 = bias[k + 7]!;
        const d = k << 8;
        for (let j = 0; j < n; j++) {
          const v = outValues[j]!;
          const b = base[j]! + k;
          s0 = s0 + v * decode[d | codes[b]!]!;
          s1 = s1 + v * decode[(d + 256) | codes[b + 1]!]!;
          s2 = s2 + v * decode[(d + 512) | codes[b + 2]!]!;
          s3 = s3 + v * decode[(d + 768) | codes[b + 3]!]!;
          s4 = s4 + v * decode[(d + 1024) | codes[b + 4]!]!;
          s5 = s5 + v * decode[(d + 1280) | codes[b + 5]!]!;
          s6 = s6 + v * decode[(d + 1536) | codes[b + 6]!]!;
          s7 = s7 + v * decode[(d + 1792) | codes[b + 7]!]!;
        }
        scores[k] = s0;
        scores[k + 1] = s1;
        scores[k + 2] = s2;
        scores[k + 3] = s3;
        scores[k + 4] = s4;
        scores[k + 5] = s5;
        scores[k + 6] = s6;
        scores[k + 7] = s7;
      }
      for (; k + 4 <= width; k += 4) {
        let s0 = bias[k]!;
        let s1 = bias[k + 1]!;
        let s2 = bias[k + 2]!;
        let s3 = bias[k + 3]!;
        const d = k << 8;
        for (let j = 0; j < n; j++) {
          const v = outValues[j]!;
          const b = base[j]! + k;
          s0 = s0 + v * decode[d | codes[b]!]!;
          s1 = s1 + v * decode[(d + 256) | codes[b + 1]!]!;
          s2 = s2 + v * decode[(d + 512) | codes[b + 2]!]!;
          s3 = s3 + v * decode[(d + 768) | codes[b + 3]!]!;
        }
        scores[k] = s0;
        scores[k + 1] = s1;
        scores[k + 2] = s2;
        scores[k + 3] = s3;
      }
      for (; k < width; k++) {
        let s0 = bias[k]!;
        const d = k << 8;
        for (let j = 0; j < n; j++) s0 = s0 + outValues[j]! * decode[d | codes[base[j]! + k]!]!;
        scores[k] = s0;
      }
    } else {
      const weights = this.weights;
      for (let k = 0; k < width; k++) {
        let s0 = bias[k]!;
        for (let j = 0; j < n; j++) s0 = s0 + outValues[j]! * weights[base[j]! + k]!;
        scores[k] = s0;
      }
    }
    return scores;
  }

  /**
   * Every head's decision scores for a prepared text (see `prepareText`): head h's scores are at
   * [offset, offset + k). The returned array is reused by the next call.
   */
  scorePrepared(prepared: string): Float64Array {
    this.vectorise(prepared);
    return this.scoreOut();
  }

  /** The same for an already computed feature vector (bucket indices, as `transformPrepared` gives). */
  scoreVector(indices: Int32Array, values: Float32Array): Float64Array {
    this.mapVector(indices, values);
    return this.scoreOut();
  }
}
