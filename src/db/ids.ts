import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter
 * that keeps ids made within one millisecond in order (method 1 of the RFC), then 62 random
 * bits. Bulk inserts give them to rows so that each primary-key index grows at its right edge
 * instead of touching a random page per row; they sort like their creation order.
 */
export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else {
    // Same millisecond (or the clock went back): count on; past 4095 borrow the next millisecond.
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  }
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const high = Math.floor(ms / 0x10000);
  const r = pool;
  const i = poolAt;
  poolAt += 8;
  return (
    hex8(high) +
    '-' +
    hex4(ms & 0xffff) +
    '-7' +
    HEX3[counter]! +
    '-' +
    HEX2[0x80 | (r[i]! & 0x3f)]! +
    HEX2[r[i + 1]!]! +
    '-' +
    HEX2[r[i + 2]!]! +
    HEX2[r[i + 3]!]! +
    HEX2[r[i + 4]!]! +
    HEX2[r[i + 5]!]! +
    HEX2[r[i + 6]!]! +
    HEX2[r[i + 7]!]!
  );
}

let lastMs = 0;
let counter = 0;
const pool = Buffer.alloc(8 * 4096);
let poolAt = pool.length;
const HEX2 = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));
const HEX3 = Array.from({ length: 4096 }, (_, n) => n.toString(16).padStart(3, '0'));
const hex4 = (n: number): string => HEX2[n >>> 8]! + HEX2[n & 0xff]!;
const hex8 = (n: number): string => hex4(n >>> 16) + hex4(n & 0xffff);
