import assert from "node:assert/strict";
import {
  figureToJson,
  inJupyterKernel,
  JUPYTER_DISPLAY,
  LiveChart,
  PLOTLY_MIME,
  plotlyBundle,
  plotlyEmbedded,
  publishDisplay,
  resetPlotlyEmbedding,
  scriptJson,
  show,
} from "../../lib/viz/mod.ts";
import type { Figure } from "../../lib/viz/mod.ts";

const fig: Figure = {
  data: [{ type: "scatter", name: "s", x: [1, 2, 3], y: [1, NaN, 3] }],
  layout: { title: { text: "t </script> & co" } },
};

Deno.test("show() yields one bundle with the plotly JSON, html and plain text", () => {
  resetPlotlyEmbedding();
  const out = show(fig);
  assert.equal(out.figure, fig);
  const bundle = out[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  const json = JSON.parse(JSON.stringify(bundle[PLOTLY_MIME]));
  assert.deepEqual(json.data[0].y, [1, null, 3]);
  assert.equal(json.layout.title.text, "t </script> & co");
  assert.equal(json.config.displaylogo, false);
  assert.match(bundle["text/plain"], /Plotly figure: t <\/script> & co \(1 traces: scatter\)/);
  // The html embeds the figure safely: no raw "</script>" from the title inside the JSON.
  const html = bundle["text/html"];
  assert.equal(html.split("</script>").length - 1, 2, "library script + drawing script");
  assert.ok(html.includes("window.Plotly = Plotly"), "first figure carries plotly.js");
  assert.ok(!/<script[^>]+src=["']https?:/i.test(html), "no external script");
});

Deno.test("plotly.js is shipped once per session in 'once' mode, every time in 'always'", () => {
  resetPlotlyEmbedding();
  assert.equal(plotlyEmbedded(), false);
  const first = plotlyBundle(fig, { embed: "once" })["text/html"];
  const second = plotlyBundle(fig, { embed: "once" })["text/html"];
  assert.ok(first.includes("window.Plotly = Plotly"));
  assert.ok(!second.includes("window.Plotly = Plotly"));
  assert.ok(second.includes("window.Plotly.newPlot"));
  assert.equal(plotlyEmbedded(), true);
  assert.ok(plotlyBundle(fig, { embed: "always" })["text/html"].includes("window.Plotly = Plotly"));
  assert.ok(!plotlyBundle(fig, { embed: "never" })["text/html"].includes("window.Plotly = Plotly"));
  // A transient (non-durable) output carrying the library does not count as shipped.
  resetPlotlyEmbedding();
  plotlyBundle(fig, { embed: "once" }, false);
  assert.equal(plotlyEmbedded(), false);
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
    show(fig)[JUPYTER_DISPLAY]();
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
