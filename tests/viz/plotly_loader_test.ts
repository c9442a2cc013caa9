import assert from "node:assert/strict";
import { PAGE_RUNTIME_JS, plotlyPartBundles, plotlySource } from "../../lib/viz/mod.ts";

/** The body of an output's single `<script>`. */
function scriptOf(html: string): string {
  const m = /^<script type="text\/javascript">([\s\S]*)<\/script>$/.exec(html);
  assert.ok(m, "one script element");
  return m[1];
}

interface PageState {
  Plotly?: unknown;
  __alpePlotly?: { ready(fn: () => void): void };
  drawn?: string[];
}

/**
 * Runs page scripts against a stand-in `window`; `Function` is replaced so that the
 * assembled library is captured instead of evaluated (it needs a DOM).
 */
function fakePage() {
  const window: PageState = {};
  const evaluated: string[] = [];
  function FakeFunction(...args: string[]) {
    const src = args[args.length - 1];
    evaluated.push(src);
    return { call: () => void (window.Plotly = { version: "fake" }) };
  }
  const run = (body: string) =>
    new Function("window", "Function", "console", body)(window, FakeFunction, console);
  return { window, evaluated, run };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

Deno.test("page runtime: parts in any order, repeated, rebuild plotly.js once and draw waiting figures", async () => {
  const parts = plotlyPartBundles().map((p) => scriptOf(p["text/html"]));
  const page = fakePage();
  page.run(
    `${PAGE_RUNTIME_JS}\nwindow.drawn = []; g.ready(function () { window.drawn.push("early"); });`,
  );
  page.run(parts[2]);
  page.run(parts[0]);
  page.run(parts[2]); // a duplicate (the same output rendered twice) is ignored
  await settle();
  assert.equal(page.window.Plotly, undefined, "not before every part arrived");
  page.run(parts[1]);
  for (let i = 0; i < 400 && !page.window.Plotly; i++) await settle(); // async gunzip
  assert.deepEqual(page.window.Plotly, { version: "fake" });
  assert.equal(page.evaluated.length, 1);
  assert.equal(page.evaluated[0], plotlySource(), "the exact library text");
  const drawn = page.window.drawn!;
  assert.deepEqual(drawn, ["early"]);
  // Later figures draw at once; parts sent again (Run All) do not rebuild the library.
  page.window.__alpePlotly!.ready(() => drawn.push("late"));
  assert.deepEqual(drawn, ["early", "late"]);
  for (const p of parts) page.run(p);
  await settle();
  assert.equal(page.evaluated.length, 1);
});
