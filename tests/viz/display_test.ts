import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { Buffer } from "node:buffer";
import {
  figureToJson,
  inJupyterKernel,
  JUPYTER_DISPLAY,
  LiveChart,
  loadPlotly,
  PLOTLY_MIME,
  plotlyEmbedded,
  plotlyGzipBase64,
  plotlyPartBundles,
  plotlySource,
  plotlyVersion,
  publishDisplay,
  resetPlotlyEmbedding,
  resolveEmbedMode,
  scriptJson,
  shipPlotlyFor,
  show,
} from "../../lib/viz/mod.ts";
import type { Figure } from "../../lib/viz/mod.ts";

const fig: Figure = {
  data: [{ type: "scatter", name: "s", x: [1, 2, 3], y: [1, NaN, 3] }],
  layout: { title: { text: "t </script> & co" } },
};

Deno.test("show() yields one small bundle with the plotly JSON, html and plain text", async () => {
  resetPlotlyEmbedding();
  const out = show(fig);
  assert.equal(out.figure, fig);
  const bundle = await out[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  const json = JSON.parse(JSON.stringify(bundle[PLOTLY_MIME]));
  assert.deepEqual(json.data[0].y, [1, null, 3]);
  assert.equal(json.layout.title.text, "t </script> & co");
  assert.equal(json.config.displaylogo, false);
  assert.match(bundle["text/plain"], /Plotly figure: t <\/script> & co \(1 traces: scatter\)/);
  // The html embeds the figure safely: no raw "</script>" from the title inside the JSON.
  const html = bundle["text/html"];
  assert.equal(html.split("</script>").length - 1, 1, "only the drawing script");
  assert.ok(!html.includes("window.Plotly = Plotly"), "never the library itself");
  assert.ok(html.length < 10_000, `figure html is small (${html.length} chars)`);
  assert.ok(html.includes("g.ready("), "waits for the page's plotly.js");
  assert.ok(!/<script[^>]+src=/i.test(html), "no external script");
});

Deno.test("plotly.js travels in parts under 1 MB that rebuild the minified library", () => {
  const parts = plotlyPartBundles();
  assert.ok(parts.length >= 2 && parts.length <= 4, `${parts.length} parts`);
  const data: string[] = [];
  parts.forEach((p, i) => {
    const msg = JSON.stringify({ data: p, metadata: {}, transient: {} });
    assert.ok(msg.length < 1_000_000, `part ${i}: ${msg.length} bytes`);
    const m = /\((".+?"), (\d+), (\d+), "([A-Za-z0-9+/=]+)"\);<\/script>$/.exec(p["text/html"]);
    assert.ok(m, `part ${i} calls the assembler with its data`);
    assert.equal(Number(m[2]), i);
    assert.equal(Number(m[3]), parts.length);
    data.push(m[4]);
    assert.equal(
      p["text/plain"],
      `plotly.js ${plotlyVersion()} for offline figures (part ${i + 1} of ${parts.length})`,
    );
  });
  assert.equal(data.join(""), plotlyGzipBase64());
  const text = gunzipSync(Buffer.from(data.join(""), "base64")).toString("utf8");
  assert.equal(text, plotlySource());
  assert.ok(text.includes("window.Plotly = Plotly"));
  // Smaller chunks give more parts with the same data.
  const small = plotlyPartBundles(300_000);
  assert.ok(small.length > parts.length);
});

Deno.test("outside a kernel nothing is sent and the embed state is untouched", async () => {
  resetPlotlyEmbedding();
  assert.equal(plotlyEmbedded(), false);
  assert.equal(await shipPlotlyFor("always"), false);
  assert.equal(await shipPlotlyFor("once"), false);
  await loadPlotly();
  assert.equal(plotlyEmbedded(), false);
  assert.equal(resolveEmbedMode("never"), "never");
  assert.equal(resolveEmbedMode("always"), "always");
});

Deno.test("figureToJson converts typed arrays and non-finite numbers", () => {
  const j = figureToJson({
    data: [{
      type: "scatter",
      x: new Float64Array([1, Infinity]) as unknown as number[],
      y: [NaN, 2],
    }],
    layout: {},
  });
  assert.deepEqual(j.data, [{ type: "scatter", x: [1, null], y: [null, 2] }]);
  assert.ok(!scriptJson({ a: "</script><!--" }).includes("<"));
});

Deno.test("nothing touches Deno.jupyter outside a kernel", async () => {
  assert.equal(inJupyterKernel(), false);
  // Replace the global `Deno` by a proxy that counts reads of `jupyter` (the real
  // property is not configurable, the global binding is).
  const real = Object.getOwnPropertyDescriptor(globalThis, "Deno")!;
  let touched = 0;
  const proxy = new Proxy(Deno, {
    get(target, key, receiver) {
      if (key === "jupyter") touched++;
      return Reflect.get(target, key, receiver);
    },
  });
  Object.defineProperty(globalThis, "Deno", { ...real, value: proxy });
  try {
    await show(fig)[JUPYTER_DISPLAY]();
    await loadPlotly();
    assert.equal(await publishDisplay({ "text/plain": "x" }, "id", false), false);
    const live = new LiveChart();
    assert.equal(live.live, false);
    assert.equal(await live.update(fig), false);
    const out = await live.finish(fig);
    assert.equal(out.figure, fig);
    assert.equal(live.frames, 0);
  } finally {
    Object.defineProperty(globalThis, "Deno", real);
  }
  assert.equal(touched, 0);
});
