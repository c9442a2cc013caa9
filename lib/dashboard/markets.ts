/**
 * The market list of the sidebar, filled from the library: the simulator's tiers, the
 * calibrated presets (`data/presets/`), the library's stress variants, and replays of the
 * recorded tapes (`data/real/`). Each source is a {@linkcode MarketSource}; adding one is one
 * function, and a market that cannot run is listed with the reason (the select shows it
 * disabled), never silently left out.
 *
 * @module
 */
import { type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import {
  DEFAULT_MARKET,
  loadPreset,
  PRESET_DIR,
  presetNames,
  STRESS_VARIANTS,
} from "../env/markets.ts";
import { loadPresetRealism, realismCaveats } from "../env/preset_realism.ts";
import type { NumericFieldId } from "./fields.ts";
import { realDataApi } from "./real_data.ts";

/** One market of the sidebar. */
export interface MarketEntry {
  /** Stable id (select value). */
  id: string;
  /** Label. */
  label: string;
  /** Group of the select. */
  kind: "simulator" | "preset" | "stress" | "replay";
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
  /**
   * What the preset's realism verdict says (`realismCaveats`, lib/env/preset_realism.ts),
   * shown with every comparison in it; absent: it has none.
   */
  realism?: string[];
}

/** Lists markets of one kind, for the repository at `root`. */
export type MarketSource = (root: string) => MarketEntry[] | Promise<MarketEntry[]>;

const ALL_FIELDS: readonly NumericFieldId[] = [
  "duration",
  "price",
  "volatility",
  "seed",
  "latency",
];

/**
 * The simulator's tiers: the L3 order-book market at the library's stylized defaults (not
 * calibrated to any tape) and the fast model tier.
 */
export const BUILTIN_MARKETS: readonly MarketEntry[] = Object.freeze([
  {
    id: "book",
    label: "Order-book simulator (stylized)",
    kind: "simulator",
    description: "the book tier at the library's defaults, calibrated to no tape: an L3 order " +
      "book with zero-intelligence and informed flow, latency and queue position",
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
 * The stress variants of the library (`STRESS_VARIANTS` of lib/env/markets.ts) applied to the
 * default order-book market; the sidebar's latency does not apply to them (a variant may be
 * about latency).
 */
export const stressMarkets: MarketSource = () =>
  Object.entries(STRESS_VARIANTS).map(([name, v]) => ({
    id: `book+${name}`,
    label: `Order-book simulator + ${name}`,
    kind: "stress" as const,
    description: v.description,
    config: v.apply(parseEnvConfig({ tier: "book" })),
    fields: ["duration", "price", "volatility", "seed"] as NumericFieldId[],
    available: true,
  }));

/**
 * Calibrated presets: the preset files under `root/data/presets/` (lib/env/markets.ts); a
 * preset that fails validation is listed, disabled, with the error.
 */
export const presetMarkets: MarketSource = async (root) => {
  const out: MarketEntry[] = [];
  const dir = `${root}/${PRESET_DIR}`;
  for (const name of await presetNames(dir)) {
    try {
      const p = await loadPreset(`${dir}/${name}.json`);
      const verdict = await loadPresetRealism(`${dir}/${name}.json`);
      out.push({
        id: name,
        label: `Preset: ${name}` + (name === DEFAULT_MARKET ? " (default)" : ""),
        kind: "preset",
        description: p.description || `calibrated preset ${name}`,
        config: p.config as EnvConfigInput,
        fields: ["duration", "seed"],
        available: true,
        ...(verdict ? { realism: realismCaveats(verdict) } : {}),
      });
    } catch (err) {
      out.push({
        id: name,
        label: `Preset: ${name}`,
        kind: "preset",
        description: "",
        fields: [],
        available: false,
        reason: `market: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return out;
};

/**
 * Replays of the recorded tapes that {@linkcode realDataApi} finds (the seed picks the
 * window); without any, one disabled entry says why.
 */
export const replayMarkets: MarketSource = async (root) => {
  const api = realDataApi(root);
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
    description: `${t.source}: the recorded market replays as it happened, our orders are ` +
      "simulated against it; the seed picks the window",
    config: t.config,
    fields: ["duration", "seed"] as NumericFieldId[],
    available: true,
  }));
};

/**
 * The market the sidebar starts on: the tools' default market ({@linkcode DEFAULT_MARKET},
 * the market of `deno task compare`) when it is listed and can run, else the order-book
 * simulator at its stylized defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BUILTIN_MARKETS, defaultMarketId } from "./markets.ts";
 * assert.equal(defaultMarketId([...BUILTIN_MARKETS]), "book");
 * const preset = { id: "btcusdt-lump", label: "", kind: "preset" as const, description: "",
 *   fields: [], available: true };
 * assert.equal(defaultMarketId([...BUILTIN_MARKETS, preset]), "btcusdt-lump");
 * assert.equal(defaultMarketId([...BUILTIN_MARKETS, { ...preset, available: false }]), "book");
 * ```
 */
export function defaultMarketId(markets: readonly MarketEntry[]): string {
  return markets.some((m) => m.id === DEFAULT_MARKET && m.available) ? DEFAULT_MARKET : "book";
}

/** The default sources, in display order. */
export const MARKET_SOURCES: readonly MarketSource[] = [
  simulatorMarkets,
  presetMarkets,
  stressMarkets,
  replayMarkets,
];

/** Every market of `sources` for the repository at `root`, in order. */
export async function listMarkets(
  root: string = Deno.cwd(),
  sources: readonly MarketSource[] = MARKET_SOURCES,
): Promise<MarketEntry[]> {
  const out: MarketEntry[] = [];
  for (const s of sources) out.push(...await s(root));
  return out;
}
