/**
 * The measurements behind two choices of the dashboard (docs/dashboard.md):
 *
 * - `dashboard.browser_over_deno.book` / `.model`: steps per second of one live episode
 *   (one env, Avellaneda–Stoikov) in headless Chromium (the library bundled for the
 *   browser with `deno bundle`) over the same in Deno, interleaved runs, median ratio. Below
 *   1 means the browser is no faster, one reason the simulation runs in server Workers.
 * - `dashboard.plotly_update_ms` / `dashboard.canvas_update_ms`: the median time of one live
 *   chart update in Chromium, Plotly's `extendTraces` on the live figure against the
 *   dashboard's canvas renderer drawing the same figure with 600 points: why the charts are
 *   drawn on a canvas while the market runs.
 *
 * Needs Debian's Chromium (`CHROMIUM`, default /usr/bin/chromium); without it every case
 * is NaN.
 *
 * @module
 */
import { chromium, type Page } from "npm:playwright-core@1.65.1";
import { createAgent } from "../../lib/agents/registry.ts";
import { makeVecEnv } from "../../lib/env/make.ts";
import { figureToJson } from "../../lib/viz/display.ts";
import { liveEpisodeFigure } from "../../lib/viz/live_figures.ts";
import { plotlySource } from "../../lib/viz/plotly_source.ts";
import { type BenchCase, median } from "./_types.ts";

const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
const RUNS = 5;

/** Steps per second of `episodes` one-env episodes of AS in `tier` (the code bundled below). */
function denoRate(tier: "book" | "model", episodes: number): number {
  const env = makeVecEnv({ tier, duration: 300 }, 1);
  const agent = createAgent("avellaneda-stoikov");
  const act = new Float64Array(4);
  let steps = 0;
  const t0 = performance.now();
  for (let e = 0; e < episodes; e++) {
    env.reset([e + 1]);
    agent.reset({ config: env.config, numEnvs: 1, seed: e });
    while (!env.terminated[0]) {
      agent.act(env.observations, env.view, act);
      env.step(act);
      steps++;
    }
  }
  return steps / ((performance.now() - t0) / 1000);
}

const ENTRY = `
import { makeVecEnv } from "${new URL("../../lib/env/make.ts", import.meta.url).href}";
import { createAgent } from "${new URL("../../lib/agents/registry.ts", import.meta.url).href}";
globalThis.rate = (tier, episodes) => {
  const env = makeVecEnv({ tier, duration: 300 }, 1);
  const agent = createAgent("avellaneda-stoikov");
  const act = new Float64Array(4);
  let steps = 0;
  const t0 = performance.now();
  for (let e = 0; e < episodes; e++) {
    env.reset([e + 1]);
    agent.reset({ config: env.config, numEnvs: 1, seed: e });
    while (!env.terminated[0]) { agent.act(env.observations, env.view, act); env.step(act); steps++; }
  }
  return steps / ((performance.now() - t0) / 1000);
};
`;

async function bundle(): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/entry.js`, ENTRY);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform", "browser", "-o", `${dir}/bundle.js`, `${dir}/entry.js`],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return await Deno.readTextFile(`${dir}/bundle.js`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let results: Promise<Record<string, number>> | undefined;

async function measure(): Promise<Record<string, number>> {
  const nan = {
    book: NaN,
    model: NaN,
    plotly: NaN,
    canvas: NaN,
  };
  if (!(await Deno.stat(CHROMIUM).then(() => true, () => false))) return nan;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent(
      `<div id="p" style="width:900px;height:600px"></div>` +
        `<canvas id="c" style="width:900px;height:600px;display:block"></canvas>`,
    );
    await page.addScriptTag({ content: await bundle(), type: "module" });
    await page.waitForFunction(() => typeof (globalThis as { rate?: unknown }).rate === "function");
    const ratio: Record<"book" | "model", number[]> = { book: [], model: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const [tier, eps] of [["book", 2], ["model", 10]] as const) {
        const d = denoRate(tier, eps);
        const b = await page.evaluate(`rate(${JSON.stringify(tier)}, ${eps})`) as number;
        ratio[tier].push(b / d);
      }
    }
    // Chart updates: Plotly extendTraces vs the canvas renderer, same figure, 600 points.
    await page.addScriptTag({ content: plotlySource() });
    await page.addScriptTag({
      content: await Deno.readTextFile(
        new URL("../../lib/dashboard/static/live_canvas.js", import.meta.url),
      ),
    });
    const fig = figureToJson(liveEpisodeFigure({ agent: "glft", duration: 60 }));
    const times = await page.evaluate(`(async () => {
      const fig = ${JSON.stringify(fig)};
      await Plotly.newPlot("p", fig.data, fig.layout, fig.config);
      const canvas = new AlpeLiveCanvas.EpisodeCanvas(document.getElementById("c"), fig);
      // Two separate passes: interleaving them would charge Plotly's pending layout work to
      // the canvas (reading the canvas's size forces it).
      const plotly = [], draw = [];
      const batch = (k) => {
        const t = [], y = [];
        for (let j = 0; j < 5; j++) { const s = 0.1 * (5 * k + j + 1); t.push(s); y.push(100 + Math.sin(s)); }
        return [t, y];
      };
      for (let k = 0; k < 120; k++) {
        const [t, y] = batch(k);
        const t0 = performance.now();
        Plotly.extendTraces("p", { x: fig.data.map(() => t), y: fig.data.map(() => y) }, fig.data.map((_, i) => i));
        plotly.push(performance.now() - t0);
      }
      Plotly.purge("p");
      const d = { t: [], y: [] };
      for (let k = 0; k < 120; k++) {
        const [t, y] = batch(k);
        d.t.push(...t); d.y.push(...y);
        const t0 = performance.now();
        // Fills (traces 3 and 4) are rare: one point in twenty.
        canvas.draw((i) => (i === 3 || i === 4)
          ? [d.t.filter((_, j) => j % 20 === 0), d.y.filter((_, j) => j % 20 === 0)]
          : [d.t, d.y]);
        draw.push(performance.now() - t0);
      }
      return { plotly, draw };
    })()`) as { plotly: number[]; draw: number[] };
    return {
      book: median(ratio.book),
      model: median(ratio.model),
      plotly: median(times.plotly),
      canvas: median(times.draw),
    };
  } finally {
    await browser.close();
  }
}

const get = async (key: string) => (await (results ??= measure()))[key];

/** The dashboard's measurement cases. */
export const cases: BenchCase[] = [
  {
    name: "dashboard.browser_over_deno.book",
    unit: "ratio",
    target: "informs the design",
    run: () => get("book"),
  },
  {
    name: "dashboard.browser_over_deno.model",
    unit: "ratio",
    target: "informs the design",
    run: () => get("model"),
  },
  {
    name: "dashboard.plotly_update_ms",
    unit: "ms",
    target: "informs the design",
    run: () => get("plotly"),
  },
  {
    name: "dashboard.canvas_update_ms",
    unit: "ms",
    target: "< 10 (10+ updates/s)",
    run: () => get("canvas"),
  },
];
