/**
 * Locates and reads plotly.js from the npm package `plotly.js-dist` so that figures
 * can be rendered with no network access. The file is read once and cached.
 *
 * @module
 */
import { AlpeError } from "../errors.ts";

let cached: string | undefined;

/** Candidate locations of `plotly.js`, most specific first. */
function candidates(): URL[] {
  const out: URL[] = [];
  try {
    const resolved = import.meta.resolve("plotly.js-dist");
    if (resolved.startsWith("file:")) {
      const url = new URL(resolved);
      out.push(url.pathname.endsWith(".js") ? url : new URL("plotly.js", url + "/"));
    }
  } catch {
    // Not resolvable through the import map: fall back to node_modules below.
  }
  out.push(new URL("../../node_modules/plotly.js-dist/plotly.js", import.meta.url));
  return out;
}

/**
 * The source text of plotly.js (about 11 MB), made safe to inline inside an HTML
 * `<script>` element. Throws an {@linkcode AlpeError} naming the paths tried when
 * the package is not installed (run `deno install`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotlySource } from "./plotly_source.ts";
 * const js = plotlySource();
 * assert.ok(js.startsWith("/**\n* plotly.js v"));
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
    `plotly.js not found (tried ${
      tried.join(", ")
    }); run \`deno install\` to fetch npm:plotly.js-dist`,
  );
}
