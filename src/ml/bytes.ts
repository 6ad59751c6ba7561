// Binary helpers shared by the per-head artifact (model.ts) and the model bundle (services/model/bundle.ts).
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The envelope both artifact kinds use: 4 magic bytes, a version byte, a flags byte (1 =
 * raw DEFLATE), then the body.
 */
export function packArtifact(magic: readonly number[], version: number, body: Uint8Array, compress: boolean): Uint8Array {
  const payload = compress ? deflateRawSync(body, { level: 9 }) : body;
  const out = new Uint8Array(6 + payload.length);
  out.set(magic, 0);
  out[4] = version;
  out[5] = compress ? 1 : 0;
  out.set(payload, 6);
  return out;
}

/** The body of an envelope written by packArtifact; `kind` names it in errors ("model bundle"). */
export function unpackArtifact(bytes: Uint8Array, magic: readonly number[], version: number, kind: string, fail: (message: string) => Error): Uint8Array {
  if (bytes.length < 6 || magic.some((m, i) => bytes[i] !== m)) throw fail(`not a helpdesk ${kind}`);
  if (bytes[4] !== version) throw fail(`unsupported ${kind} version ${bytes[4]}`);
  if (!(bytes[5]! & 1)) return bytes.subarray(6);
  try {
    return new Uint8Array(inflateRawSync(bytes.subarray(6)));
  } catch {
    throw fail('model artifact is corrupt (cannot inflate)');
  }
}

/** A growable little-endian byte buffer (artifact writing). */
export class ByteWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 255;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf[this.len++] = v & 255;
    this.buf[this.len++] = (v >>> 8) & 255;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }
  varint(v: number): void {
    while (v >= 0x80) {
      this.u8((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.u8(v);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Reads what ByteWriter wrote; `fail` builds the error for a truncated or corrupt input. */
export class ByteReader {
  pos = 0;
  readonly buf: Uint8Array;
  readonly view: DataView;
  private readonly fail: (message: string) => Error;
  constructor(buf: Uint8Array, fail: (message: string) => Error = (message) => new Error(message)) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.fail = fail;
  }
  /** The error this reader reports corrupt input with. */
  failure(message: string): Error {
    return this.fail(message);
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw this.fail('model artifact truncated');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  varint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
      if (shift > 35) throw this.fail('bad varint in model artifact');
    }
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
