/**
 * The last step of every loader: scale raw prices and quantities to ticks and quantity
 * steps, compute the derived book columns and assemble the {@linkcode Tape}.
 *
 * @module
 */
import { deriveBookColumns } from "./book_state.ts";
import type { TapeBuilder } from "./builder.ts";
import { type LoadReport, type Tape, TAPE_VERSION, type TapeMeta } from "./tape.ts";
import { EVENT } from "./tape.ts";

/** What a loader knows about its tape besides the events. */
export type TapeMetaInput = Omit<TapeMeta, "version" | "lotSuggestion"> & {
  /** A natural lot in instrument units; default: the power of ten nearest the median trade. */
  lotSuggestion?: number;
};

/**
 * Divides the builder's raw prices by `priceUnit` (raw units per tick, exactly: a hidden
 * execution at the midpoint keeps its half tick; HALT rows keep their code) and quantities by `qtyUnit` (raw units per qtyStep), derives the book columns and
 * returns the tape. The builder's rows must already be in non-decreasing `ts` order.
 */
export function finishTape(
  b: TapeBuilder,
  meta: TapeMetaInput,
  report: Omit<LoadReport, "events" | "skipped" | "repaired">,
  priceUnit: number,
  qtyUnit: number,
): Tape {
  const src = b.finish();
  const n = b.length;
  const { kind, price, qty } = src;
  if (priceUnit !== 1) {
    // exact: prices are multiples of the unit, except midpoint executions (half a tick)
    for (let i = 0; i < n; i++) if (kind[i] !== EVENT.HALT) price[i] = price[i] / priceUnit;
  }
  if (qtyUnit !== 1) { for (let i = 0; i < n; i++) qty[i] = Math.round(qty[i] / qtyUnit); }
  const columns = deriveBookColumns(src, n, meta.depthLevels);
  const fullMeta: TapeMeta = {
    version: TAPE_VERSION,
    ...meta,
    lotSuggestion: meta.lotSuggestion ?? lotFromTrades(src.kind, src.qty, n, meta.qtyStep),
  };
  return {
    meta: fullMeta,
    report: {
      ...report,
      events: b.eventCounts(),
      skipped: { ...b.skipped },
      repaired: { ...b.repaired },
    },
    length: n,
    columns,
  };
}

/**
 * The power of ten nearest (in log scale) to the median trade size, in instrument units;
 * `qtyStep` when the tape has no trades.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lotFromTrades } from "./finish.ts";
 * import { EVENT } from "./tape.ts";
 * const kind = new Uint8Array([EVENT.TRADE, EVENT.TRADE, EVENT.TRADE]);
 * const qty = new Float64Array([40, 80, 300]); // in qtyStep units of 1e-5
 * assert.equal(lotFromTrades(kind, qty, 3, 1e-5), 0.001);
 * ```
 */
export function lotFromTrades(
  kind: Uint8Array,
  qty: Float64Array,
  n: number,
  qtyStep: number,
): number {
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = kind[i];
    if (k === EVENT.TRADE || k === EVENT.EXECUTE || k === EVENT.HIDDEN_EXECUTE) {
      sizes.push(qty[i] * qtyStep);
    }
  }
  if (sizes.length === 0) return qtyStep;
  sizes.sort((a, b) => a - b);
  const med = sizes[sizes.length >> 1];
  const lot = Math.pow(10, Math.round(Math.log10(med)));
  return Number(Math.max(lot, qtyStep).toPrecision(12));
}
