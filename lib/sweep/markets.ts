/**
 * Markets of a sweep, resolved by small pluggable resolvers: each turns the name a spec
 * gives into a validated env config and the data files that market reads (digested, so
 * that every worker checks it has the same files). The resolvers are tried in order; the
 * last is ALPE's own market names (`resolveMarket` of lib/env: `default`, preset names and
 * files, `MARKET+variant` stress variants, `replay:FILE`). Inline `{ "name", "base",
 * "config" }` markets override a named one. The spec's `env` applies to every market.
 *
 * @module
 */
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { resolveMarket } from "../env/markets.ts";
import { lobsterFiles } from "../data/lobster.ts";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../validation.ts";
import { mergeConfig } from "../rl/config.ts";
import { inlineMarketSchema } from "./spec.ts";

/** A market ready to run. */
export interface ResolvedMarket {
  /** Name in the results (distinct within a sweep). */
  name: string;
  /** The validated env config (before the spec's `env` overrides). */
  config: EnvConfig;
  /**
   * Files the market reads while it runs (replay tapes), paths from the project root; a
   * preset's numbers are in `config` itself.
   */
  files: string[];
  /** One line on what it is. */
  description?: string;
}

/** What a resolver gets besides the name. */
export interface MarketContext {
  /** Field of the reference in the spec, e.g. `markets[2]` (for error messages). */
  field: string;
}

/** Turns a market name into a market, or says it is not one of its names. */
export interface MarketResolver {
  /** What the resolver accepts, for the error listing them all (e.g. `replay:FILE`). */
  readonly accepts: string;
  /** The market named `ref`, or undefined when `ref` is not this resolver's. */
  resolve(
    ref: string,
    ctx: MarketContext,
  ): ResolvedMarket | undefined | Promise<ResolvedMarket | undefined>;
}

/**
 * `parseEnvConfig(input)` with the error's field prefixed by `field` (e.g.
 * `markets[1].config.volatility`).
 */
export function parseEnvConfigAt(input: Record<string, unknown>, field: string): EnvConfig {
  try {
    return parseEnvConfig(input as EnvConfigInput);
  } catch (err) {
    if (err instanceof ValidationError) {
      const inner = err.field === "(config)" ? "" : `.${err.field}`;
      throw new ValidationError(`${field}${inner}`, err.value, err.expected);
    }
    throw err;
  }
}

/**
 * A resolver of named env configs (overrides of the library's defaults), e.g. a lab's own
 * market definitions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedMarketResolver } from "./markets.ts";
 * const r = namedMarketResolver({ volatile: { volatility: 0.05 } });
 * const m = await r.resolve("volatile", { field: "markets[0]" });
 * assert.equal(m?.config.volatility, 0.05);
 * assert.equal(await r.resolve("calm", { field: "markets[0]" }), undefined);
 * ```
 */
export function namedMarketResolver(
  table: Readonly<Record<string, Record<string, unknown>>>,
): MarketResolver {
  return {
    accepts: Object.keys(table).map((k) => JSON.stringify(k)).join(", "),
    resolve(ref, ctx) {
      if (!Object.hasOwn(table, ref)) return undefined;
      return {
        name: ref,
        config: parseEnvConfigAt(table[ref], `${ctx.field} (${ref})`),
        files: [],
      };
    },
  };
}

/**
 * ALPE's market names (lib/env's `resolveMarket`): `default`, a preset name or `.json`
 * file, `MARKET+variant`, `replay:FILE[,FILE…]` (whose tapes are the market's files). It
 * knows every name or throws a `ValidationError` saying which names exist, so it comes last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alpeMarketResolver } from "./markets.ts";
 * const m = await alpeMarketResolver().resolve("default+coarse-tick", { field: "markets[0]" });
 * assert.equal(m?.config.tickSize, 0.05);
 * ```
 */
export function alpeMarketResolver(): MarketResolver {
  return {
    accepts: "default, a preset name or .json file, MARKET+variant, replay:FILE",
    async resolve(ref, ctx) {
      const m = await resolveMarket(ref, ctx.field);
      return { name: m.name, config: m.config, files: [], description: m.description };
    },
  };
}

/**
 * The recorded files a replay-tier config reads: its tapes, and for a LOBSTER tape both its
 * message and orderbook files. Empty for the simulated tiers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayFiles } from "./markets.ts";
 * import { parseEnvConfig } from "../env/config.ts";
 * assert.deepEqual(replayFiles(parseEnvConfig({ tier: "model" })), []);
 * ```
 */
export function replayFiles(config: EnvConfig): string[] {
  if (config.tier !== "replay") return [];
  const out: string[] = [];
  for (const f of config.replay.data) {
    try {
      const l = lobsterFiles(f);
      out.push(l.message, l.orderbook);
    } catch {
      out.push(f);
    }
  }
  return [...new Set(out)];
}

/** The resolvers used when none are given: ALPE's market names. */
export function defaultMarketResolvers(): MarketResolver[] {
  return [alpeMarketResolver()];
}

/**
 * Resolves every market of a spec, in order: a string through the first resolver that
 * knows it, an inline `{ name, base, config }` as its `base` market (default "default")
 * with `config` merged onto it. The spec's `env` is merged onto every market's config (its
 * inline `config` last). Throws a `ValidationError` naming `markets[i]` for an unknown
 * name, a bad config or a repeated name.
 */
export async function resolveMarkets(
  markets: readonly (string | Record<string, unknown>)[],
  env: Record<string, unknown>,
  resolvers: readonly MarketResolver[] = defaultMarketResolvers(),
): Promise<ResolvedMarket[]> {
  const byName = async (ref: string, field: string): Promise<ResolvedMarket> => {
    for (const r of resolvers) {
      const m = await r.resolve(ref, { field });
      if (m) return m;
    }
    throw new ValidationError(
      field,
      ref,
      `a market name (${resolvers.map((r) => r.accepts).join("; ")}) or an inline ` +
        '{ "name", "base", "config" } market',
    );
  };
  const out: ResolvedMarket[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < markets.length; i++) {
    const field = `markets[${i}]`;
    const ref = markets[i];
    let m: ResolvedMarket;
    if (typeof ref === "string") {
      const named = await byName(ref, field);
      m = {
        ...named,
        config: parseEnvConfigAt(mergeConfig(named.config, env), `${field} (${ref}) with env`),
      };
    } else {
      const inline = parseWith(inlineMarketSchema, ref, field);
      const base = await byName(inline.base, `${field}.base`);
      m = {
        ...base,
        name: inline.name,
        config: parseEnvConfigAt(
          mergeConfig(mergeConfig(base.config, env), inline.config),
          `${field}.config`,
        ),
      };
    }
    m.files = [...new Set([...m.files, ...replayFiles(m.config)])];
    if (seen.has(m.name)) throw new ValidationError(field, m.name, "a market name not used before");
    seen.add(m.name);
    out.push(m);
  }
  return out;
}
