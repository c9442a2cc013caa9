/**
 * The market list of the sidebar, filled from the library: the simulator's tiers today,
 * calibrated presets and replays of recorded tapes as they land. Each source is a
 * {@linkcode MarketSource}; adding one (a preset directory, a tape list) is one function,
 * and a market that cannot run yet is listed with the reason (the select shows it
 * disabled), never silently left out.
 *
 * @module
 */
import type { EnvConfigInput } from "../env/config.ts";
import type { NumericFieldId } from "./fields.ts";
import { realDataApi } from "./real_data.ts";

/** One market of the sidebar. */
export interface MarketEntry {
  /** Stable id (select value). */
  id: string;
  /** Label. */
  label: string;
  /** Group of the select. */
  kind: "simulator" | "preset" | "replay";
  /** One-line description (tooltip). */
  description: string;
  /** Base env config. */
  config?: EnvConfigInput;
  /** The sidebar fields this market lets the user set (others are the market's own). */
  fields: readonly NumericFieldId[];
  /** False when it cannot run (yet). */
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
}

/** Lists markets of one kind. */
export type MarketSource = () => MarketEntry[] | Promise<MarketEntry[]>;

const ALL_FIELDS: readonly NumericFieldId[] = [
  "duration",
  "price",
  "volatility",
  "seed",
  "latency",
];

/** The simulator's tiers: the L3 order-book market (default) and the fast model tier. */
export const BUILTIN_MARKETS: readonly MarketEntry[] = Object.freeze([
  {
    id: "book",
    label: "Order-book simulator (default)",
    kind: "simulator",
    description: "the book tier: an L3 order book with zero-intelligence and informed flow, " +
      "latency and queue position",
    config: { tier: "book" },
    fields: ALL_FIELDS,
    available: true,
  },
  {
    id: "model",
    label: "Avellaneda–Stoikov model",
    kind: "simulator",
    description: "the model tier: Brownian mid, fills with intensity A·e^(−kδ) (no order " +
      "book, no latency)",
    config: { tier: "model" },
    fields: ["duration", "price", "volatility", "seed"],
    available: true,
  },
]);

/** The simulator tiers. */
export const simulatorMarkets: MarketSource = () => [...BUILTIN_MARKETS];

/**
 * Calibrated presets. None ships yet; the calibration issue adds them here (a preset is a
 * validated env config with provenance).
 */
export const presetMarkets: MarketSource = () => [];

/**
 * Replays of recorded tapes, from {@linkcode realDataApi}. While it is the placeholder, one
 * disabled entry says why.
 */
export const replayMarkets: MarketSource = async () => {
  const api = realDataApi();
  if (!api.available) {
    return [{
      id: "replay",
      label: "Replay of a recorded tape",
      kind: "replay",
      description: api.reason,
      fields: ["duration", "seed"],
      available: false,
      reason: `market: ${api.reason}`,
    }];
  }
  return (await api.listTapes()).map((t) => ({
    id: `replay:${t.id}`,
    label: `Replay: ${t.label}`,
    kind: "replay" as const,
    description: t.source,
    config: t.config,
    fields: ["duration", "seed"] as NumericFieldId[],
    available: true,
  }));
};

/** The default sources, in display order. */
export const MARKET_SOURCES: readonly MarketSource[] = [
  simulatorMarkets,
  presetMarkets,
  replayMarkets,
];

/** Every market of `sources`, in order. */
export async function listMarkets(
  sources: readonly MarketSource[] = MARKET_SOURCES,
): Promise<MarketEntry[]> {
  const out: MarketEntry[] = [];
  for (const s of sources) out.push(...await s());
  return out;
}
