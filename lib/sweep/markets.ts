/**
 * Markets of a sweep, resolved by small pluggable resolvers: each turns the name a spec
 * gives into a validated env config and the data files that market reads (digested, so
 * that every worker checks it has the same files). Built in: the spec's base env under
 * the name "default", named overrides ({@linkcode namedMarketResolver}) and inline
 * `{ "name", "config" }` markets. Presets, stress variants and `replay:FILE` windows plug
 * in as further resolvers without changing the sweep.
 *
 * @module
 */
import { type EnvConfig, type EnvConfigInput, parseEnvConfig } from "../env/config.ts";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../validation.ts";
import { mergeConfig } from "../rl/config.ts";
import { inlineMarketSchema } from "./spec.ts";

/** A market ready to run. */
export interface ResolvedMarket {
  /** Name in the results (distinct within a sweep). */
  name: string;
  /** The validated env config. */
  config: EnvConfig;
  /** Files the market reads (a replay tape, a preset file), paths from the project root. */
  files: string[];
}

/** What a resolver gets besides the name. */
export interface MarketContext {
  /** The spec's base env config (not yet validated). */
  base: Record<string, unknown>;
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
 * A resolver of named env-config overrides, each merged onto the spec's base env. The
 * built-in table holds `default` (the base env as it is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedMarketResolver } from "./markets.ts";
 * const r = namedMarketResolver({ volatile: { volatility: 0.05 } });
 * const m = await r.resolve("volatile", { base: { tier: "model" }, field: "markets[0]" });
 * assert.equal(m?.config.volatility, 0.05);
 * assert.equal(m?.config.tier, "model");
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
        config: parseEnvConfigAt(mergeConfig(ctx.base, table[ref]), `${ctx.field} (${ref})`),
        files: [],
      };
    },
  };
}

/** The resolvers used when none are given: the base env as "default". */
export function defaultMarketResolvers(): MarketResolver[] {
  return [namedMarketResolver({ default: {} })];
}

/**
 * Resolves every market of a spec, in order: a string through the first resolver that
 * knows it, an object as an inline `{ name, config }` market. Throws a
 * `ValidationError` naming `markets[i]` for an unknown name, a bad config or a repeated
 * name.
 */
export async function resolveMarkets(
  markets: readonly (string | Record<string, unknown>)[],
  base: Record<string, unknown>,
  resolvers: readonly MarketResolver[] = defaultMarketResolvers(),
): Promise<ResolvedMarket[]> {
  const out: ResolvedMarket[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < markets.length; i++) {
    const field = `markets[${i}]`;
    const ref = markets[i];
    let m: ResolvedMarket | undefined;
    if (typeof ref === "string") {
      for (const r of resolvers) {
        m = await r.resolve(ref, { base, field });
        if (m) break;
      }
      if (!m) {
        throw new ValidationError(
          field,
          ref,
          `a market name (${resolvers.map((r) => r.accepts).join(", ")}) or an inline ` +
            '{ "name", "config" } market',
        );
      }
    } else {
      const inline = parseWith(inlineMarketSchema, ref, field);
      m = {
        name: inline.name,
        config: parseEnvConfigAt(mergeConfig(base, inline.config), `${field}.config`),
        files: [],
      };
    }
    if (seen.has(m.name)) throw new ValidationError(field, m.name, "a market name not used before");
    seen.add(m.name);
    out.push(m);
  }
  return out;
}
