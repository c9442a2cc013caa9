import assert from "node:assert/strict";
import { htmlPage, htmlTable } from "../../lib/viz/mod.ts";

Deno.test("htmlPage inlines plotly.js once and loads nothing over the network", () => {
  const fig = { data: [{ type: "bar", x: ["a"], y: [1] }], layout: { title: { text: "F" } } };
  const html = htmlPage(
    [{ heading: "H <1>" }, fig, { figure: fig, caption: "cap" }, { text: "p & q" }],
    "Title & co",
    { intro: "intro" },
  );
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.equal(html.split("window.Plotly = Plotly").length - 1, 1, "library exactly once");
  assert.equal(html.split('class="alpe-plot"').length - 1, 2);
  assert.ok(!/<script[^>]*\bsrc=/i.test(html), "no script src at all");
  assert.ok(!/<link[^>]+href=["']https?:/i.test(html), "no external stylesheet");
  assert.ok(html.includes("<title>Title &amp; co</title>"));
  assert.ok(html.includes("<h2>H &lt;1&gt;</h2>"));
  assert.ok(html.includes("<figcaption>cap</figcaption>"));
});

Deno.test("htmlTable escapes cells and formats numbers", () => {
  const t = htmlTable({
    columns: ["name", "x"],
    rows: [["<b>", 1.23456], ["y", NaN], ["z", 7], ["w", 1e-7], ["v", null]],
    digits: 2,
  });
  assert.ok(t.includes("<td>&lt;b&gt;</td>"));
  assert.ok(t.includes('<td class="num">1.23</td>'));
  assert.ok(t.includes('<td class="num">NaN</td>'));
  assert.ok(t.includes('<td class="num">7</td>'));
  assert.ok(t.includes('<td class="num">1.0e-7</td>'));
  assert.ok(t.includes("<td></td>"));
});
