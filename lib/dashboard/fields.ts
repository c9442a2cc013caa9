/**
 * The sidebar's fields and their validation. Each field is checked with the library's own
 * rules and error messages: the ranges the command-line tools use (the original
 * dashboard's: duration 10–500 s, initial price $50–200, volatility 0.01–0.10), the seed
 * rule of lib/rng (`validateSeed`), then the composed market config through
 * `parseEnvConfig`, whose `ValidationError` names the offending config field; that field is
 * mapped back to the sidebar field it came from, so the message shows next to it.
 *
 * @module
 */
import { ValidationError } from "../errors.ts";
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { MAX_SEED, validateSeed } from "../rng/mod.ts";
import { mergeConfig } from "../rl/config.ts";
import type { AgentEntry } from "./agents.ts";
import type { MarketEntry } from "./markets.ts";

/** Ids of the numeric sidebar fields. */
export type NumericFieldId = "duration" | "price" | "volatility" | "seed" | "latency";

/** Ids of every sidebar field. */
export type FieldId = NumericFieldId | "agent" | "market" | "params";

/** A numeric sidebar field: label, unit, range, default. */
export interface FieldSpec {
  /** Field id (form name). */
  id: NumericFieldId;
  /** Label shown next to the input. */
  label: string;
  /** Unit, shown after the input. */
  unit: string;
  /** "int" fields accept whole numbers only. */
  kind: "int" | "number";
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. */
  max: number;
  /** Default value. */
  value: number;
  /** Step of the input's arrows. */
  step: number;
  /** One-line help. */
  help: string;
}

/** The numeric sidebar fields, in display order. */
export const SIDEBAR_FIELDS: readonly FieldSpec[] = Object.freeze([
  {
    id: "duration",
    label: "Duration",
    unit: "s",
    kind: "number",
    min: 10,
    max: 500,
    value: 300,
    step: 10,
    help: "episode length in seconds of market time",
  },
  {
    id: "price",
    label: "Initial price",
    unit: "$",
    kind: "number",
    min: 50,
    max: 200,
    value: 100,
    step: 1,
    help: "initial mid price",
  },
  {
    id: "volatility",
    label: "Volatility",
    unit: "daily",
    kind: "number",
    min: 0.01,
    max: 0.1,
    value: 0.02,
    step: 0.005,
    help: "daily volatility of relative price changes (a day is 23,400 s)",
  },
  {
    id: "seed",
    label: "Seed",
    unit: "",
    kind: "int",
    min: 0,
    max: MAX_SEED,
    value: 0,
    step: 1,
    help: "root seed: the same seed gives the same market, bit for bit",
  },
  {
    id: "latency",
    label: "Latency",
    unit: "ms",
    kind: "number",
    min: 0,
    max: 10_000,
    value: 5,
    step: 1,
    help: "order-entry and cancel latency (book tier), constant",
  },
]);

/** How the non-learned agents get their parameters: the registry's defaults or tuned. */
export type ParamsMode = "defaults" | "tuned";

/** Raw sidebar input, as the form sends it (strings for the numeric fields). */
export interface SidebarInput {
  /** Agent entry id. */
  agent?: string;
  /** Market entry id. */
  market?: string;
  /** "defaults" or "tuned". */
  params?: string;
  /** Numeric fields, as typed. */
  [field: string]: string | undefined;
}

/** Validated sidebar values. */
export interface SidebarValues {
  /** The agent chosen. */
  agent: AgentEntry;
  /** The market chosen. */
  market: MarketEntry;
  /** Episode duration, seconds. */
  duration: number;
  /** Initial mid, dollars. */
  price: number;
  /** Daily volatility. */
  volatility: number;
  /** Root seed. */
  seed: number;
  /** Order-entry and cancel latency, ms. */
  latency: number;
  /** How the non-learned agents get their parameters. */
  params: ParamsMode;
  /** The resolved market configuration. */
  config: EnvConfig;
}

/** The outcome of {@linkcode validateSidebar}. */
export type SidebarResult =
  | { ok: true; values: SidebarValues }
  | { ok: false; errors: Partial<Record<FieldId, string>> };

/** Parses one numeric field the way the command-line flags are parsed (same messages). */
export function parseField(spec: FieldSpec, raw: string | undefined): number {
  const text = (raw ?? "").trim();
  if (spec.id === "seed") {
    const v = Number(text);
    if (text === "" || !/^-?\d+$/.test(text)) {
      throw new ValidationError("seed", raw ?? "", `an integer in [0, ${MAX_SEED}]`);
    }
    return validateSeed(v, "seed");
  }
  const v = Number(text);
  if (text === "" || !Number.isFinite(v) || v < spec.min || v > spec.max) {
    throw new ValidationError(spec.id, raw ?? "", `a number in [${spec.min}, ${spec.max}]`);
  }
  return v;
}

/** The sidebar field a config path (e.g. "latency.order.ms") comes from. */
export function fieldOfConfigPath(path: string): FieldId {
  const head = path.split(".")[0];
  if (head === "duration" || head === "dt") return "duration";
  if (head === "initialPrice") return "price";
  if (head === "volatility") return "volatility";
  if (head === "latency") return "latency";
  return "market";
}

/**
 * The env config of `market` with the sidebar's values applied to the fields the market
 * lets the user set.
 */
export function composeConfig(
  market: MarketEntry,
  v: { duration: number; price: number; volatility: number; latency: number },
): EnvConfigInput {
  const over: Record<string, unknown> = {};
  const set = new Set(market.fields);
  if (set.has("duration")) over.duration = v.duration;
  if (set.has("price")) over.initialPrice = v.price;
  if (set.has("volatility")) over.volatility = v.volatility;
  if (set.has("latency")) {
    over.latency = {
      order: { kind: "constant", ms: v.latency },
      cancel: { kind: "constant", ms: v.latency },
    };
  }
  return mergeConfig(
    (market.config ?? {}) as Record<string, unknown>,
    over,
  ) as EnvConfigInput;
}

/**
 * Validates the sidebar: every field is checked (all errors are returned, keyed by field),
 * then the composed config goes through `parseEnvConfig`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateSidebar } from "./fields.ts";
 * import { BUILTIN_MARKETS } from "./markets.ts";
 * const agents = [{
 *   id: "glft", label: "GLFT", kind: "rule" as const, spec: { id: "glft" }, available: true,
 * }];
 * const r = validateSidebar(
 *   { agent: "glft", market: "book", duration: "600", price: "100", volatility: "0.02",
 *     seed: "1", latency: "5" },
 *   agents,
 *   BUILTIN_MARKETS,
 * );
 * assert.equal(r.ok, false);
 * if (!r.ok) assert.equal(r.errors.duration, "duration: expected a number in [10, 500], got \"600\"");
 * ```
 */
export function validateSidebar(
  input: SidebarInput,
  agents: readonly AgentEntry[],
  markets: readonly MarketEntry[],
): SidebarResult {
  const errors: Partial<Record<FieldId, string>> = {};
  const nums: Partial<Record<NumericFieldId, number>> = {};
  for (const spec of SIDEBAR_FIELDS) {
    try {
      nums[spec.id] = parseField(spec, input[spec.id] ?? String(spec.value));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors[spec.id] = err.message;
    }
  }
  const agent = agents.find((a) => a.id === input.agent);
  if (!agent) {
    errors.agent = new ValidationError(
      "agent",
      input.agent ?? "",
      `one of ${agents.map((a) => a.id).join(", ")}`,
    ).message;
  } else if (!agent.available) {
    errors.agent = agent.reason ?? `${agent.id} is not available`;
  }
  const market = markets.find((m) => m.id === input.market);
  if (!market) {
    errors.market = new ValidationError(
      "market",
      input.market ?? "",
      `one of ${markets.map((m) => m.id).join(", ")}`,
    ).message;
  } else if (!market.available) {
    errors.market = market.reason ?? `${market.id} is not available`;
  }
  const params = input.params ?? "defaults";
  if (params !== "defaults" && params !== "tuned") {
    errors.params = new ValidationError("params", params, '"defaults" or "tuned"').message;
  }
  if (Object.keys(errors).length > 0 || !agent || !market) return { ok: false, errors };
  const v = nums as Record<NumericFieldId, number>;
  let config: EnvConfig;
  try {
    config = parseEnvConfig(composeConfig(market, v));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { ok: false, errors: { [fieldOfConfigPath(err.field)]: err.message } };
  }
  return {
    ok: true,
    values: {
      agent,
      market,
      duration: v.duration,
      price: v.price,
      volatility: v.volatility,
      seed: v.seed,
      latency: v.latency,
      params: params as ParamsMode,
      config,
    },
  };
}
