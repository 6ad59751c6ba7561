/**
 * A short JSON rendering of a value for an error message. JSON.stringify recurses, so a value
 * nested a few thousand levels deep (which JSON.parse reads fine) overflows the stack and turned
 * a bad input line into "unexpected failure: Maximum call stack size exceeded"; here it is an
 * ellipsis. Depth and length are bounded, so a huge value costs nothing either.
 */
export function previewValue(value: unknown, max = 200): string {
  let out = '';
  const walk = (v: unknown, depth: number): void => {
    if (out.length > max) return;
    if (v === null || typeof v !== 'object') {
      out += v === undefined ? 'null' : (JSON.stringify(v) ?? String(v));
      return;
    }
    if (depth >= 8) {
      out += Array.isArray(v) ? '[…]' : '{…}';
      return;
    }
    if (Array.isArray(v)) {
      out += '[';
      v.forEach((item, i) => {
        if (out.length > max) return;
        if (i > 0) out += ',';
        walk(item, depth + 1);
      });
      out += ']';
      return;
    }
    out += '{';
    Object.entries(v as Record<string, unknown>).forEach(([key, item], i) => {
      if (out.length > max) return;
      if (i > 0) out += ',';
      out += JSON.stringify(key) + ':';
      walk(item, depth + 1);
    });
    out += '}';
  };
  walk(value, 0);
  return out.length > max ? out.slice(0, max) + '…' : out;
}
