/**
 * Exact decimal parsing for market data: prices and quantities arrive as decimal strings
 * ("61837.63000000"); binary floating point would round them, so they are parsed into
 * integers of a fixed scale (10^decimals) digit by digit, and the tick and quantity step are
 * found as the greatest common divisor of what was seen.
 *
 * @module
 */

/**
 * The value of the decimal string `s` times 10^`decimals`, as an integer, or NaN when `s` is
 * not a plain decimal number (digits, one optional point, an optional leading minus) or has
 * non-zero digits beyond `decimals` places, or the result exceeds 2^53.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScaled } from "./decimal.ts";
 * assert.equal(parseScaled("61837.63000000", 8), 6183763000000);
 * assert.equal(parseScaled("0.1", 2), 10);
 * assert.ok(Number.isNaN(parseScaled("1.005", 2)));
 * assert.ok(Number.isNaN(parseScaled("1e5", 2)));
 * ```
 */
export function parseScaled(s: string, decimals: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
    if (n === 1) return NaN;
  }
  let v = 0;
  let frac = -1;
  let digits = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    digits++;
    if (frac >= 0) {
      if (frac >= decimals) {
        if (d !== 0) return NaN;
        continue;
      }
      frac++;
    }
    v = v * 10 + d;
  }
  if (digits === 0) return NaN;
  for (let f = frac < 0 ? 0 : frac; f < decimals; f++) v *= 10;
  if (v > Number.MAX_SAFE_INTEGER) return NaN;
  return neg ? -v : v;
}

/**
 * Greatest common divisor of two non-negative integers (0 with 0 is 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gcd } from "./decimal.ts";
 * assert.equal(gcd(1_000_000, 250_000), 250_000);
 * assert.equal(gcd(0, 7), 7);
 * ```
 */
export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Parses a decimal string of nanoseconds-resolution seconds ("34200.017459617") into integer
 * nanoseconds, exactly; NaN when malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secondsToNs } from "./decimal.ts";
 * assert.equal(secondsToNs("34200.017459617"), 34_200_017_459_617);
 * assert.equal(secondsToNs("34200.1"), 34_200_100_000_000);
 * ```
 */
export function secondsToNs(s: string): number {
  return parseScaled(s, 9);
}
