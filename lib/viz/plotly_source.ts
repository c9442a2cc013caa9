/**
 * Locates and reads plotly.js from the npm package `plotly.js-dist-min` (the minified
 * build of the same library as `plotly.js-dist`, 4.9 MB instead of 11 MB) so that figures
 * can be rendered with no network access. The file is read once and cached, and so is
 * its gzip-compressed, base64-encoded form that notebooks receive
 * (see `plotly_loader.ts`).
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { Buffer } from "node:buffer";
import { AlpeError } from "../errors.ts";

const PACKAGE = "plotly.js-dist-min";
const FILE = "plotly.min.js";

let cached: string | undefined;
let packed: string | undefined;

/** Candidate locations of `plotly.min.js`, most specific first. */
function candidates(): URL[] {
  const out: URL[] = [];
  try {
    const resolved = import.meta.resolve(PACKAGE);
    if (resolved.startsWith("file:")) {
      const url = new URL(resolved);
      out.push(url.pathname.endsWith(".js") ? url : new URL(FILE, url + "/"));
    }
  } catch {
    // Not resolvable through the import map: fall back to node_modules below.
  }
  out.push(new URL(`../../node_modules/${PACKAGE}/${FILE}`, import.meta.url));
  return out;
}

/**
 * The source text of plotly.js (minified, about 4.9 MB), made safe to inline inside an
 * HTML `<script>` element. Throws an {@linkcode AlpeError} naming the paths tried when
 * the package is not installed (run `deno install`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotlySource } from "./plotly_source.ts";
 * const js = plotlySource();
 * assert.ok(js.startsWith("/**\n* plotly.js v3."));
 * assert.ok(js.length < 6_000_000); // the minified build
 * assert.ok(!js.includes("</script")); // safe inside a <script> element
 * assert.equal(plotlySource(), js); // read once, cached
 * ```
 */
export function plotlySource(): string {
  if (cached !== undefined) return cached;
  const tried: string[] = [];
  for (const url of candidates()) {
    tried.push(url.href);
    try {
      const text = Deno.readTextFileSync(url);
      cached = text.replace(/<\/script/gi, "<\\/script");
      return cached;
    } catch {
      // try the next candidate
    }
  }
  throw new AlpeError(
    `plotly.js not found (tried ${tried.join(", ")}); run \`deno install\` to fetch npm:${PACKAGE}`,
  );
}

/**
 * The version of the bundled plotly.js, read from its header comment (e.g. "3.7.0").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotlyVersion } from "./plotly_source.ts";
 * assert.match(plotlyVersion(), /^3\.\d+\.\d+$/);
 * ```
 */
export function plotlyVersion(): string {
  return /plotly\.js v(\d+\.\d+\.\d+)/.exec(plotlySource().slice(0, 200))?.[1] ?? "unknown";
}

/**
 * plotly.js gzip-compressed (level 9) and base64-encoded: about 1.95 MB of plain ASCII
 * that a page decodes with `atob` and `DecompressionStream("gzip")`. Computed once
 * (a fraction of a second) and cached; the same bytes every time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gunzipSync } from "node:zlib";
 * import { Buffer } from "node:buffer";
 * import { plotlyGzipBase64, plotlySource } from "./plotly_source.ts";
 * const b64 = plotlyGzipBase64();
 * assert.match(b64.slice(0, 100), /^[A-Za-z0-9+/]+$/);
 * assert.ok(b64.length < 0.5 * plotlySource().length); // gzip + base64 < half of the text
 * const text = gunzipSync(Buffer.from(b64, "base64")).toString("utf8");
 * assert.equal(text, plotlySource());
 * ```
 */
export function plotlyGzipBase64(): string {
  packed ??= Buffer.from(gzipSync(new TextEncoder().encode(plotlySource()), { level: 9 }))
    .toString("base64");
  return packed;
}
