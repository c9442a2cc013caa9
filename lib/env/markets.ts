/**
 * Markets by name: one string names a market for every tool (`--markets`, `--preset`, the
 * dashboard, sweeps), resolved to an environment configuration with its provenance.
 *
 * - `default`: the library's default configuration.
 * - a preset name, e.g. `btcusdt`: the preset file `data/presets/<name>.json`;
 * - a preset file path (`…/x.json`): `{ "name", "description", "config", "provenance" }`, or
 *   a bare env config object;
 * - `replay:FILE[,FILE…]`: the replay tier on recorded tapes (episodes are windows);
 * - `<market>+<variant>[+<variant>…]`: a stress variant of a market (see
 *   {@linkcode STRESS_VARIANTS}), e.g. `btcusdt+high-latency`.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { ValidationError } from "../errors.ts";
import type { LatencySpec } from "../market/latency.ts";
import { type Infer, parseWith } from "../validation.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "./config.ts";
import { type LoadedRealism, loadPresetRealism, realismCaveats } from "./preset_realism.ts";

/** Where preset names are looked up, relative to the working directory. */
export const PRESET_DIR = "data/presets";

/**
 * The market the command-line tools use when none is named (`deno task compare`): the
 * `btcusdt-lump` preset, calibrated from the shipped Binance BTCUSDT feed with lumpy impact: a
 * large-tick market, where queue position at the touch decides a market maker's P&L, whose
 * simulation passes 13.8 of the 15 judged facts of its tape on average over ten seeds (all but
 * the order sizes on most), the markout of a passive fill and the price response among them
 * (docs/realism.md). The shipped PPO and the evaluation matrix were made on it (README,
 * "Markets"). The library's own default (`parseEnvConfig({})`) stays the stylized built-in
 * market.
 */
export const DEFAULT_MARKET = "btcusdt-lump";

/**
 * Schema of a preset file: a validated market configuration with its provenance.
 *
 * @ignore
 */
export const presetSchema = z.strictObject({
  /** Short name (lowercase, digits, dashes), e.g. "btcusdt". */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** One paragraph on what market this is. */
  description: z.string().default(""),
  /** The environment configuration (validated by `parseEnvConfig`). */
  config: z.record(z.string(), z.unknown()),
  /**
   * Where the numbers come from: source files, dates, fit method and quality, standard
   * errors — free-form, written by `deno task calibrate`.
   */
  provenance: z.record(z.string(), z.unknown()).default({}),
});

/** A preset file's content (see the schema's field docs). */
export type Preset = Infer<typeof presetSchema>;

/** A resolved market. */
export interface MarketSpec {
  /** The name as given (shown in tables). */
  name: string;
  /** Its validated environment configuration, before any tool-level overrides. */
  config: EnvConfig;
  /** Where it came from: "built-in", a preset file path, or "replay". */
  source: string;
  /** One line on what it is. */
  description: string;
  /** The preset's provenance, when it came from one. */
  provenance?: Record<string, unknown>;
  /**
   * The preset's realism verdict (`realism/<name>.json` beside its file), when it has one:
   * measured on the preset itself, so with stress variants `variants` is not empty; `stale`
   * when the preset file changed since.
   */
  realism?: LoadedRealism;
  /** The stress variants applied after the market, in order (empty: none). */
  variants?: string[];
}

/** Options of {@linkcode resolveMarket}. */
export interface ResolveOptions {
  /**
   * Read the preset's realism verdict (default true; false for a tool that measures it anew,
   * so that a verdict it replaces cannot stop it).
   */
  realism?: boolean;
}

/** A stress variant: a documented change of one aspect of a market. */
export interface StressVariant {
  /** What it changes and why it stresses a market maker. */
  description: string;
  /** The changed configuration. */
  apply(config: EnvConfig): EnvConfigInput;
}

function scaleLatency(spec: LatencySpec, f: number): LatencySpec {
  switch (spec.kind) {
    case "constant":
      return { kind: "constant", ms: Math.min(10_000, spec.ms * f) };
    case "exponential":
      return { kind: "exponential", meanMs: Math.min(10_000, spec.meanMs * f) };
    case "lognormal":
      return { ...spec, medianMs: Math.min(10_000, spec.medianMs * f) };
    case "uniform":
      return { kind: "uniform", minMs: spec.minMs * f, maxMs: Math.min(10_000, spec.maxMs * f) };
  }
}

/**
 * The stress variants every market has. Markets whose models do not have the aspect a
 * variant changes keep it unchanged (e.g. a replayed tape's order flow is what was recorded).
 */
export const STRESS_VARIANTS: Readonly<Record<string, StressVariant>> = {
  "high-latency": {
    description: "order entry, cancel and market-data latencies ×10 (at most 10 s): quotes " +
      "go stale before they are replaced",
    apply: (c) => ({
      ...c,
      latency: {
        order: scaleLatency(c.latency.order, 10),
        cancel: scaleLatency(c.latency.cancel, 10),
        marketData: scaleLatency(c.latency.marketData, 10),
      },
    }),
  },
  "coarse-tick": {
    description: "tick size ×5: a larger-tick market (fewer price levels, longer queues)",
    apply: (c) => ({ ...c, tickSize: c.tickSize * 5 }),
  },
  "adverse-selection": {
    description: "informed share of market orders ×3 (at most 1) and private news ×2 (book " +
      "tier): more of the flow knows where the price goes",
    apply: (c) => {
      const f = c.flow.fundamental;
      const priv = Math.min(2 * f.privateShare, 1 - f.impactShare);
      return {
        ...c,
        flow: {
          ...c.flow,
          informed: { ...c.flow.informed, share: Math.min(1, 3 * c.flow.informed.share) },
          fundamental: { ...f, privateShare: priv },
        },
      };
    },
  },
  "deep-queues": {
    description: "limit orders concentrated at the touch (placement exponent + 1) and " +
      "cancellation hazards ×0.5 (book tier): queues at the touch about twice as deep, so " +
      "fills at the back of the queue come later",
    apply: (c) => ({
      ...c,
      flow: {
        ...c.flow,
        placement: { ...c.flow.placement, alpha: Math.min(10, c.flow.placement.alpha + 1) },
        cancellation: { ...c.flow.cancellation, rate: 0.5 * c.flow.cancellation.rate },
      },
    }),
  },
};

/**
 * Registers a stress variant (e.g. one that needs a model's own config keys). Throws a
 * `ValidationError` when the name is malformed or taken.
 */
export function registerStressVariant(name: string, variant: StressVariant): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name in STRESS_VARIANTS) {
    throw new ValidationError("variant", name, "a new name of lowercase letters and dashes");
  }
  (STRESS_VARIANTS as Record<string, StressVariant>)[name] = variant;
}

async function readJson(path: string, field: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : String(err);
    throw new ValidationError(field, path, `a readable JSON file (${why})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ValidationError(field, path, `valid JSON (${(err as Error).message})`);
  }
}

/** Reads and validates a preset file (its `config` through `parseEnvConfig`). */
export async function loadPreset(path: string): Promise<Preset & { env: EnvConfig }> {
  const raw = await readJson(path, "preset");
  const preset = parseWith(presetSchema, raw, `preset ${path}`);
  let env: EnvConfig;
  try {
    env = parseEnvConfig(preset.config as EnvConfigInput);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(`${path}: config.${err.field}`, err.value, err.expected);
    }
    throw err;
  }
  return { ...preset, env };
}

/** The path of the repository's own preset `name` when it exists there, else null. */
function repositoryPreset(name: string): string | null {
  const url = new URL(`../../${PRESET_DIR}/${name}.json`, import.meta.url);
  if (url.protocol !== "file:") return null;
  try {
    Deno.statSync(url);
    return decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
}

/**
 * What the tools print next to results in `spec`'s market run as `config` (default its own):
 * its preset's realism caveats (`realismCaveats`), said to be of the preset when a stress
 * variant or a flag changed its price, volatility, tick or lot; none when it has no verdict
 * or runs on another tier than the book tier its verdict measured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { marketRealismCaveats, resolveMarket } from "./markets.ts";
 * const lump = await resolveMarket("btcusdt-lump");
 * assert.match(marketRealismCaveats(lump)[0], /^realism: btcusdt-lump passes/);
 * assert.match(marketRealismCaveats(await resolveMarket("btcusdt-lump+high-latency"))[0], /stress variant/);
 * assert.deepEqual(marketRealismCaveats(lump, { ...lump.config, tier: "model" }), []);
 * assert.deepEqual(marketRealismCaveats(await resolveMarket("default")), []);
 * ```
 */
export function marketRealismCaveats(spec: MarketSpec, config: EnvConfig = spec.config): string[] {
  if (!spec.realism || config.tier !== "book") return [];
  const base = spec.config;
  const changed = (spec.variants?.length ?? 0) > 0 || config.initialPrice !== base.initialPrice ||
    config.volatility !== base.volatility || config.tickSize !== base.tickSize ||
    config.lotSize !== base.lotSize;
  return realismCaveats(spec.realism, changed);
}

/** The preset names found in `dir` (default {@linkcode PRESET_DIR}), sorted. */
export async function presetNames(dir: string = PRESET_DIR): Promise<string[]> {
  // files only: the realism verdicts live in the `realism/` folder beside the presets
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json")) out.push(e.name.slice(0, -5));
    }
  } catch {
    return [];
  }
  return out.sort();
}

/**
 * Resolves a market name (see the module doc) to its configuration. Throws a
 * `ValidationError` naming `field` for an unknown name, a missing or invalid preset, or an
 * unknown variant.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMarket } from "./markets.ts";
 * const m = await resolveMarket("default+high-latency");
 * assert.equal(m.config.latency.order.kind, "constant");
 * assert.equal(m.source, "built-in");
 * await assert.rejects(() => resolveMarket("default+no-such-variant"), /variant/);
 * ```
 */
export async function resolveMarket(
  name: string,
  field = "market",
  options: ResolveOptions = {},
): Promise<MarketSpec> {
  if (typeof name !== "string" || name.trim() === "") {
    throw new ValidationError(field, name, "a market name");
  }
  // a preset file's path may hold a "+" ("runs/a+b.json"): its variants come after ".json"
  const j = name.lastIndexOf(".json");
  const file = j >= 0 && (j + 5 === name.length || name[j + 5] === "+");
  const [head, ...variants] = name.startsWith("replay:")
    ? [name]
    : file
    ? [name.slice(0, j + 5), ...(j + 5 === name.length ? [] : name.slice(j + 6).split("+"))]
    : name.split("+");
  let spec: MarketSpec;
  if (head === "default") {
    spec = {
      name,
      config: parseEnvConfig({}),
      source: "built-in",
      description: "ALPE's default simulated market (book tier)",
    };
  } else if (head.startsWith("replay:")) {
    const files = head.slice("replay:".length).split(",").filter((f) => f !== "");
    if (files.length === 0) throw new ValidationError(field, name, "replay:FILE[,FILE…]");
    spec = {
      name,
      config: parseEnvConfig(
        // windows of 60 s (the tools' --window default): a few-minute tape still splits
        // into evaluation and calibration windows
        { tier: "replay", duration: 60, replay: { data: files } } as unknown as EnvConfigInput,
      ),
      source: "replay",
      description: `recorded order books replayed from ${files.join(", ")}`,
    };
  } else {
    let path = head.endsWith(".json") ? head : `${PRESET_DIR}/${head}.json`;
    if (!head.endsWith(".json") && !/^[a-z0-9][a-z0-9-]*$/.test(head)) {
      throw new ValidationError(field, name, "default, a preset name, a .json file or replay:FILE");
    }
    try {
      await Deno.stat(path);
    } catch {
      // a name also finds the repository's own presets from another working directory
      // (e.g. a notebook running in notebooks/)
      const own = head.endsWith(".json") ? null : repositoryPreset(head);
      if (own !== null) path = own;
    }
    try {
      await Deno.stat(path);
    } catch {
      const known = await presetNames();
      throw new ValidationError(
        field,
        name,
        `default, replay:FILE, a .json preset file or a preset name${
          known.length ? ` (${known.join(", ")})` : ""
        }`,
      );
    }
    const p = await loadPreset(path);
    const realism = options.realism === false ? null : await loadPresetRealism(path);
    spec = {
      name,
      config: p.env,
      source: path,
      description: p.description,
      provenance: p.provenance,
      ...(realism ? { realism } : {}),
    };
  }
  for (const v of variants) {
    const variant = STRESS_VARIANTS[v];
    if (!variant) {
      throw new ValidationError(
        field,
        name,
        `a known variant after "+" (${Object.keys(STRESS_VARIANTS).join(", ")})`,
      );
    }
    spec = {
      ...spec,
      config: parseEnvConfig(variant.apply(spec.config)),
      description: `${spec.description}; ${variant.description}`,
      variants: [...(spec.variants ?? []), v],
    };
  }
  return spec;
}
