import assert from "node:assert/strict";
import { plotlySource } from "../../lib/viz/plotly_source.ts";
import {
  compareReportBlocks,
  compareReportHtml,
  runCompare,
  writeCompareOutputs,
} from "../../lib/backtest/mod.ts";

const tiny = () =>
  runCompare({
    config: { tier: "model", duration: 10 },
    episodes: 3,
    seed: 5,
    agents: ["random", "avellaneda-stoikov", "glft"],
    calibrationEpisodes: 2,
    workers: 0,
  });

Deno.test("report: every section, sample episodes from the run's first episode", async () => {
  const run = await tiny();
  const sections = compareReportBlocks(run).flatMap((b) => ("section" in b ? [b.section] : []));
  assert.deepEqual(sections, [
    "Metrics",
    "Paired tests against avellaneda-stoikov",
    "Calibrated parameters",
    "A sample episode",
    "Spread capture vs inventory P&L",
    "Markouts",
    "Per-seed paired differences",
    "Distributions across episodes",
    "Inventory",
    "Equity curves",
    "Every metric with its 95% CI",
  ]);
  for (const a of run.backtest!.agents) {
    assert.equal(a.sample?.seed, run.backtest!.seeds[0]);
    // The sample is the evaluation episode itself: same final P&L as its row.
    assert.equal(a.sample!.pnl[a.sample!.steps - 1], a.episodes[0].totalPnl);
  }
});

Deno.test("report html: sortable tables, no <pre>, plotly shared or inlined, deterministic", async () => {
  const run = await tiny();
  const shared = compareReportHtml(run, { plotly: { src: "plotly.js" } });
  assert.ok(shared.includes("alpe-sortable"));
  assert.ok(!shared.includes("<pre>"));
  assert.ok(shared.includes('<script src="plotly.js"></script>'));
  assert.ok(shared.length < 3_000_000, `${shared.length} bytes`);
  // inline: one self-contained file, the whole library in it
  assert.ok(compareReportHtml(run).length > shared.length + plotlySource().length - 1_000);
  assert.equal(compareReportHtml(await tiny(), { plotly: { src: "plotly.js" } }), shared);
  // The calibrated parameters are in the page, not only in results.json.
  const fair = run.fair!;
  assert.ok(shared.includes(Number(fair.calibration!.A.toPrecision(4)).toString()));
});

Deno.test("writeCompareOutputs: one plotly.js per folder, loaded by the report", async () => {
  const run = await tiny();
  const dir = await Deno.makeTempDir();
  try {
    const written = await writeCompareOutputs(run, `${dir}/out`);
    assert.ok(written.some((p) => p.endsWith("/plotly.js")));
    const js = await Deno.readTextFile(`${dir}/out/plotly.js`);
    assert.ok(js.includes("Plotly") && js.length > 1_000_000);
    const html = await Deno.readTextFile(`${dir}/out/report.html`);
    assert.ok(html.includes('<script src="plotly.js"></script>'));
    assert.ok(html.length < js.length / 2);
    // Replaced as a set when asked: the same bytes again.
    await writeCompareOutputs(run, `${dir}/out`, { replace: true });
    assert.equal(await Deno.readTextFile(`${dir}/out/plotly.js`), js);
    assert.equal(await Deno.readTextFile(`${dir}/out/report.html`), html);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
