/**
 * Exchange fees on our fills, shared by every tier (book, model and replay).
 *
 * Assumes: a fee proportional to the traded notional, one rate for fills of our resting
 * orders (maker) and one for our orders that take liquidity (taker); a negative rate is a
 * rebate paid to us. Ignores: fee tiers by monthly volume, fixed per-order charges,
 * exchange and clearing fees charged per share, fees paid in another asset (e.g. BNB).
 * Units: rates are fractions of notional (0.0001 = 1 basis point); fees in dollars.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import type { Infer } from "../validation.ts";

/**
 * Schema of the fee model.
 *
 * @ignore
 */
export const feeConfigSchema = z.strictObject({
  /** Fee on fills of our resting (passive) orders, fraction of notional; negative: a rebate. */
  makerRate: z.number().min(-0.01).max(0.01).default(0),
  /** Fee on fills of our aggressive orders, fraction of notional; negative: a rebate. */
  takerRate: z.number().min(-0.01).max(0.01).default(0),
});

/** Maker and taker fee rates (see the schema's field docs). */
export type FeeConfig = Infer<typeof feeConfigSchema>;

/**
 * The fee in dollars (positive: we pay; negative: a rebate we receive) on a fill of
 * `notional` dollars (its absolute value is used) as maker or taker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { feeConfigSchema, fillFee } from "./fees.ts";
 * const binance = feeConfigSchema.parse({ makerRate: 0.001, takerRate: 0.001 });
 * assert.ok(fillFee(binance, 10_000, true) === 10);
 * const rebate = feeConfigSchema.parse({ makerRate: -0.0002 });
 * assert.ok(fillFee(rebate, -5_000, true) === -1);
 * ```
 */
export function fillFee(fees: FeeConfig, notional: number, maker: boolean): number {
  return Math.abs(notional) * (maker ? fees.makerRate : fees.takerRate);
}
