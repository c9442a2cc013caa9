/**
 * Orthogonal weight initialization (Saxe et al. 2014), seeded by ALPE's {@linkcode Rng}.
 *
 * @module
 */
import type { Rng } from "../rng/rng.ts";

/**
 * A `rows × cols` matrix (row-major) with orthonormal rows or columns (whichever are
 * fewer), scaled by `gain`: a Gaussian matrix orthonormalized by modified Gram–Schmidt,
 * with the sign convention of a QR decomposition with positive diagonal of R.
 * Every draw comes from `rng`, so the same seed gives the same weights.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../rng/rng.ts";
 * import { orthogonal } from "./orthogonal.ts";
 * const w = orthogonal(9, 64, Math.SQRT2, new Rng("init")); // 9 × 64: orthogonal rows
 * assert.equal(w.length, 9 * 64);
 * const dot = (a: number, b: number) => {
 *   let s = 0;
 *   for (let c = 0; c < 64; c++) s += w[a * 64 + c] * w[b * 64 + c];
 *   return s;
 * };
 * assert.ok(Math.abs(dot(0, 0) - 2) < 1e-5); // |row|² = gain²
 * assert.ok(Math.abs(dot(0, 1)) < 1e-5);
 * ```
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  // Orthonormalize the k = min(rows, cols) vectors of length m = max(rows, cols).
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const v = new Float64Array(k * m);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  for (let i = 0; i < k; i++) {
    const vi = i * m;
    for (let j = 0; j < i; j++) {
      const vj = j * m;
      let dot = 0;
      for (let t = 0; t < m; t++) dot += v[vi + t] * v[vj + t];
      for (let t = 0; t < m; t++) v[vi + t] -= dot * v[vj + t];
    }
    let norm = 0;
    for (let t = 0; t < m; t++) norm += v[vi + t] * v[vi + t];
    norm = Math.sqrt(norm) || 1;
    for (let t = 0; t < m; t++) v[vi + t] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // rows >= cols: column c is vector c; otherwise row r is vector r.
      out[r * cols + c] = gain * (rows >= cols ? v[c * m + r] : v[r * m + c]);
    }
  }
  return out;
}
