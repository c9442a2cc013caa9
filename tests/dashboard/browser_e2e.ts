/**
 * The dashboard in real headless Chromium (Debian's, driven by npm:playwright-core): every
 * mode driven through its controls, live charts that update at least 10 times a second and
 * stop on pause, an invalid field that shows the library's error next to it, no console
 * errors, no request outside the app, and no work left on the server once tabs close. Saves
 * a screenshot of each mode to out/dashboard/.
 *
 * Run by `deno task test` as its own step (after the parallel unit tests, so that the
 * update-rate check does not compete with them for the two cores):
 * `deno test -A tests/dashboard/browser_e2e.ts`.
 */
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "npm:playwright-core@1.65.1";
import { type Dashboard, startDashboard } from "../../lib/dashboard/server.ts";
import { DEFAULT_MARKET } from "../../lib/env/markets.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const SHOTS = `${ROOT}/out/dashboard`;
const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"];

type Hooks = {
  liveRenders: number[];
  renderMs: number[];
  frames: number;
  lastStep: number;
  liveState: string;
  jobs: Record<string, string>;
  wsOpen: boolean;
};
/** The bits of the page's DOM the page-side predicates touch (no DOM lib in this check). */
type Doc = {
  document: {
    querySelector(s: string): { textContent: string | null; data?: { x: unknown[] }[] } | null;
    querySelectorAll(s: string): ArrayLike<{ value: string }>;
  };
};
const hooks = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __alpe: Hooks }).__alpe);

/** A temporary root: the repository's shipped models, a fresh out/ for training runs. */
async function tempRoot(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "alpe-dashboard-" });
  await Deno.mkdir(`${dir}/data`);
  await Deno.symlink(`${ROOT}/data/models`, `${dir}/data/models`);
  await Deno.symlink(`${ROOT}/data/real`, `${dir}/data/real`);
  await Deno.symlink(`${ROOT}/data/presets`, `${dir}/data/presets`);
  return dir;
}

/** CPU seconds this process used (user + system), from /proc. */
function cpuSeconds(): number {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function waitFor(pred: () => boolean | Promise<boolean>, ms: number, what: string) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const chromiumPresent = await Deno.stat(CHROMIUM).then(() => true, () => false);

Deno.test({
  name: "dashboard in headless Chromium: every mode, live rate, errors, leaks",
  ignore: !chromiumPresent,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await Deno.mkdir(SHOTS, { recursive: true });
    const root = await tempRoot();
    const d: Dashboard = await startDashboard({ port: 0, root, log: () => {} });
    const origin = new URL(d.url).origin;
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const consoleErrors: string[] = [];
    const outside: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    // A loaded 2-core machine takes a while to parse plotly.js (11 MB) in a new tab.
    context.setDefaultTimeout(120_000);
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const open = async (): Promise<Page> => {
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text().slice(0, 300));
      });
      page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
      await page.goto(d.url);
      await page.waitForFunction(() =>
        (globalThis as unknown as { __alpe?: Hooks }).__alpe?.wsOpen === true
      );
      return page;
    };
    const mode = async (page: Page, m: string) => {
      await page.click(`nav.modes button[data-mode="${m}"]`);
      await page.waitForSelector(`#mode-${m}:not([hidden])`);
    };
    const setField = async (page: Page, id: string, value: string) => {
      await page.fill(`#f-${id}`, value);
    };
    const waitJob = async (page: Page, kind: string, ms: number) => {
      // The last job of this kind started (earlier ones may have ended with an error).
      await page.waitForFunction(
        (k) => {
          const j = (globalThis as unknown as { __alpe: Hooks }).__alpe.jobs;
          const last = Object.keys(j).filter((id) => id.startsWith(`${k}-`)).pop();
          return last !== undefined && (j[last] === "done" || j[last] === "error");
        },
        kind,
        { timeout: ms },
      );
      const j = (await hooks(page)).jobs;
      const state = Object.entries(j).filter(([id]) => id.startsWith(`${kind}-`)).pop()?.[1];
      const err = await page.textContent(`#${kind}-error`);
      assert.equal(state, "done", `${kind} job: ${err}`);
    };

    try {
      const page = await open();

      await t.step("offline: the app loads only from its own server", () => {
        assert.deepEqual(outside, []);
      });

      await t.step("the sidebar starts on the tools' default market", async () => {
        assert.equal(await page.inputValue("#f-market"), DEFAULT_MARKET);
        // a preset sets its own price and volatility: those fields are disabled
        assert.equal(await page.isDisabled("#f-price"), true);
        // …and say the market's own value, so the greyed-out one is not read as the market's
        assert.match(
          await page.textContent("#own-price") ?? "",
          /^set by this market: \d+(\.\d+)?$/,
        );
        assert.equal(await page.textContent("#own-seed"), "");
      });

      await t.step("an invalid field shows the library's error next to it", async () => {
        await setField(page, "duration", "600");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#err-duration")?.textContent ??
            "") !== ""
        );
        assert.equal(
          await page.textContent("#err-duration"),
          'duration: expected a number in [10, 500], got "600"',
        );
        assert.equal(await page.getAttribute("#f-duration", "aria-invalid"), "true");
        await setField(page, "seed", "-3");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#err-seed")?.textContent ?? "")
            .includes("seed")
        );
        // Start refuses to run while a field is invalid.
        await page.click("#live-start");
        await page.waitForTimeout(600);
        assert.equal((await hooks(page)).liveState, "idle");
        await page.screenshot({ path: `${SHOTS}/sidebar_error.png` });
        await setField(page, "duration", "60");
        await setField(page, "seed", "7");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#err-duration")?.textContent ??
              "") === "" &&
          ((globalThis as unknown as Doc).document.querySelector("#err-seed")?.textContent ??
              "") === ""
        );
      });

      await t.step("live: ≥ 10 chart updates a second while running; stop on pause", async () => {
        await page.selectOption("#live-speed", "5");
        await page.click("#live-start");
        await page.waitForFunction(() =>
          (globalThis as unknown as { __alpe: Hooks }).__alpe.liveState === "running"
        );
        await page.waitForTimeout(800);
        const a = await hooks(page);
        const t0 = performance.now();
        await page.waitForTimeout(2000);
        const b = await hooks(page);
        const seconds = (performance.now() - t0) / 1000;
        const updates = b.liveRenders.filter((x) => x > a.liveRenders[a.liveRenders.length - 1])
          .length;
        const rate = updates / seconds;
        console.log(
          `live: ${rate.toFixed(1)} chart updates/s at ×5 (${
            ((b.frames - a.frames) / seconds).toFixed(1)
          } frames/s received), median draw ${
            median(b.renderMs).toFixed(1)
          } ms, steps ${a.lastStep} → ${b.lastStep}`,
        );
        assert.ok(rate >= 10, `${rate.toFixed(1)} chart updates per second`);
        assert.ok(b.lastStep > a.lastStep);
        assert.equal(await page.isVisible("#live-episode-canvas"), true);
        await page.screenshot({ path: `${SHOTS}/live_running.png` });
        await page.click("#live-pause");
        await page.waitForFunction(() =>
          (globalThis as unknown as { __alpe: Hooks }).__alpe.liveState === "paused"
        );
        await page.waitForTimeout(500);
        const p1 = await hooks(page);
        await page.waitForTimeout(1000);
        const p2 = await hooks(page);
        assert.equal(p2.lastStep, p1.lastStep, "the market advanced while paused");
        assert.equal(p2.liveRenders.length, p1.liveRenders.length, "charts updated while paused");
        // Paused: the interactive Plotly figure with every point so far.
        await page.waitForSelector("#live-episode.js-plotly-plot");
        const points = await page.evaluate(() => {
          const el = (globalThis as unknown as Doc).document.querySelector("#live-episode");
          return el?.data?.[0].x.length ?? -1;
        });
        assert.equal(points, p2.lastStep);
        await page.click("#live-step");
        await page.waitForFunction(
          (s) => (globalThis as unknown as { __alpe: Hooks }).__alpe.lastStep === s + 1,
          p2.lastStep,
        );
        await page.screenshot({ path: `${SHOTS}/live.png` });
        await page.click("#live-reset");
        await page.waitForFunction(() =>
          (globalThis as unknown as { __alpe: Hooks }).__alpe.lastStep === 0
        );
        await page.selectOption("#live-speed", "0");
        await page.click("#live-start");
        await page.waitForFunction(
          () => (globalThis as unknown as { __alpe: Hooks }).__alpe.liveState === "done",
          undefined,
          { timeout: 60_000 },
        );
        assert.equal((await hooks(page)).lastStep, 600); // 60 s in steps of 0.1 s
        const metrics = await page.textContent("#live-metrics");
        assert.ok(metrics?.includes("Sharpe"));
      });

      await t.step("strategy comparison: progress, sortable CI table, paired tests", async () => {
        await page.selectOption("#f-market", "model");
        await setField(page, "duration", "20");
        await mode(page, "compare");
        await page.uncheck('#compare-agents input[value="adaptive-spread"]');
        // A bad value of the mode's own field: the server's message, the field marked.
        await page.fill("#compare-episodes", "0");
        await page.click("#compare-run");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#compare-error")?.textContent ??
            "").startsWith("episodes:")
        );
        assert.equal(
          await page.textContent("#compare-error"),
          'episodes: expected an integer in [1, 1000], got "0"',
        );
        assert.equal(await page.getAttribute("#compare-episodes", "aria-invalid"), "true");
        await page.fill("#compare-episodes", "6");
        await page.click("#compare-run");
        await page.waitForSelector("#compare-progress:not([hidden])");
        await waitJob(page, "compare", 240_000);
        const text = (await page.textContent("#compare-results")) ?? "";
        for (const s of ["Headline metrics", "Paired tests", "Calibrated parameters", "Markouts"]) {
          assert.ok(text.includes(s), `compare results lack "${s}"`);
        }
        assert.ok(!text.includes("adaptive-spread"));
        const figures = await page.$$eval("#compare-results .js-plotly-plot", (e) => e.length);
        assert.ok(figures >= 8, `${figures} figures`);
        // Sort the headline table by P&L (third column), descending: values come out sorted.
        const th = "#compare-results table.alpe-sortable >> nth=0 >> th >> nth=2";
        await page.click(th);
        await page.click(th);
        const col = await page.$$eval(
          "#compare-results table.alpe-sortable",
          (ts) =>
            Array.from(
              (ts[0] as unknown as {
                querySelectorAll(s: string): ArrayLike<
                  { children: ArrayLike<{ getAttribute(n: string): string | null }> }
                >;
              }).querySelectorAll("tbody tr"),
            ).map((r) => Number(r.children[2].getAttribute("data-sort"))),
        );
        assert.deepEqual(col, [...col].sort((x, y) => y - x));
        await page.screenshot({ path: `${SHOTS}/compare.png` });
      });

      await t.step("deep analysis: risk, trades, markouts, attribution, regimes", async () => {
        await page.selectOption("#f-agent", "glft");
        await mode(page, "analysis");
        await page.fill("#analysis-episodes", "4");
        await page.click("#analysis-run");
        await waitJob(page, "analysis", 120_000);
        const text = (await page.textContent("#analysis-results")) ?? "";
        for (
          const s of [
            "Risk breakdown",
            "Trade-level statistics",
            "Markouts",
            "P&L attribution",
            "Behaviour by regime",
          ]
        ) assert.ok(text.includes(s), `analysis lacks "${s}"`);
        await page.screenshot({ path: `${SHOTS}/analysis.png` });
      });

      await t.step("portfolio: correlation, allocations, frontier, own weights", async () => {
        await mode(page, "portfolio");
        await page.uncheck('#portfolio-agents input[value="ppo"]');
        await page.fill("#portfolio-episodes", "8");
        await page.click("#portfolio-run");
        await waitJob(page, "portfolio", 120_000);
        let text = (await page.textContent("#portfolio-results")) ?? "";
        for (const s of ["Correlation of P&Ls", "Combined risk", "Frontier"]) {
          assert.ok(text.includes(s), `portfolio lacks "${s}"`);
        }
        await page.waitForSelector("#portfolio-apply");
        await page.fill('#portfolio-weights input[data-agent="glft"]', "3");
        await page.click("#portfolio-apply");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#portfolio-results")
            ?.textContent ?? "").includes(
              "your allocation",
            )
        );
        text = (await page.textContent("#portfolio-results")) ?? "";
        assert.ok(text.includes("your allocation"));
        await page.screenshot({ path: `${SHOTS}/portfolio.png` });
      });

      await t.step("training: a small PPO run, curves, then load and use the model", async () => {
        await mode(page, "training");
        await page.fill("#train-timesteps", "1024");
        await page.fill("#train-envs", "2");
        await page.click("#train-run");
        await waitJob(page, "train", 240_000);
        await page.evaluate(() =>
          (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0)
        );
        await page.screenshot({ path: `${SHOTS}/training.png` });
        assert.ok(((await page.textContent("#train-results")) ?? "").includes("run-1"));
        assert.ok(await Deno.stat(`${root}/out/dashboard/models/run-1/checkpoint.json`));
        await page.waitForFunction(() =>
          Array.from((globalThis as unknown as Doc).document.querySelectorAll("#f-agent option"))
            .some((o) => o.value === "ppo:out/dashboard/models/run-1")
        );
        await page.selectOption("#model-select", "out/dashboard/models/run-1");
        await page.click("#model-load");
        await page.waitForFunction(() =>
          ((globalThis as unknown as Doc).document.querySelector("#model-results")?.textContent ??
            "").includes("training seed")
        );
        await page.screenshot({ path: `${SHOTS}/models.png`, fullPage: true });
        await page.click("#model-use");
        await page.waitForSelector("#mode-live:not([hidden])");
        assert.equal(await page.inputValue("#f-agent"), "ppo:out/dashboard/models/run-1");
      });

      await t.step(
        "real data: a tape's quotes and trades, a replay backtest, live replay",
        async () => {
          await mode(page, "realdata");
          assert.ok(((await page.textContent("#realdata-banner")) ?? "").includes("Recorded data"));
          await page.selectOption("#realdata-tape", "data/real/binance/spot_btcusdt_20240808.gz");
          await page.click("#realdata-view");
          await waitJob(page, "realdata", 120_000);
          let text = (await page.textContent("#realdata-results")) ?? "";
          assert.ok(text.includes("What the tape holds"), text.slice(0, 200));
          assert.ok(await page.$("#realdata-results .js-plotly-plot"));
          await page.screenshot({ path: `${SHOTS}/realdata.png` });
          await page.fill("#realdata-episodes", "2");
          await page.click("#realdata-replay");
          await waitJob(page, "realdata", 240_000);
          text = (await page.textContent("#realdata-results")) ?? "";
          assert.ok(text.includes("Headline metrics") && text.includes("touch"));
          await page.screenshot({ path: `${SHOTS}/realdata_replay.png` });
          // Live on a tape: the replay market in the sidebar, an episode to its end.
          await page.selectOption(
            "#f-market",
            "replay:data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv",
          );
          await page.selectOption("#f-agent", "touch");
          await mode(page, "live");
          await page.selectOption("#live-speed", "0");
          await page.click("#live-reset");
          await page.waitForFunction(() =>
            (globalThis as unknown as { __alpe: Hooks }).__alpe.liveState === "paused"
          );
          await page.click("#live-start");
          await page.waitForFunction(
            () => (globalThis as unknown as { __alpe: Hooks }).__alpe.liveState === "done",
            undefined,
            { timeout: 120_000 },
          );
          // The last frame is drawn on the next draw timer, which can come after "done".
          await page.waitForFunction(
            () => (globalThis as unknown as { __alpe: Hooks }).__alpe.lastStep >= 200,
            undefined,
            { timeout: 10_000 },
          ).catch(() => {});
          assert.equal((await hooks(page)).lastStep, 200); // 20 s in steps of 0.1 s
          await page.screenshot({ path: `${SHOTS}/live_replay.png` });
        },
      );

      await t.step("closing tabs leaves no work on the server", async () => {
        const pages = [page, await open(), await open()];
        for (const p of pages) {
          await mode(p, "live");
          await p.selectOption("#f-market", "book");
          await setField(p, "duration", "500");
          await p.selectOption("#f-agent", "avellaneda-stoikov");
          await p.selectOption("#live-speed", "1");
          await p.click("#live-start");
        }
        await mode(pages[1], "compare");
        await pages[1].fill("#compare-episodes", "1000");
        await pages[1].click("#compare-run");
        await waitFor(
          () => d.status().liveWorkers === 3 && d.status().jobWorkers === 1,
          30_000,
          "3 live + 1 job",
        );
        for (const p of pages) await p.close();
        await waitFor(
          () => {
            const s = d.status();
            return s.sessions === 0 && s.liveWorkers === 0 && s.jobWorkers === 0 &&
              s.queuedJobs === 0;
          },
          5_000,
          "every session and worker to end",
        );
        // Terminated workers take a moment to tear down (measured: about 2 s on our loaded
        // machine); after that the process must be idle: no simulation left running.
        let busy = 1;
        for (let i = 0; i < 10 && busy >= 0.1; i++) {
          const c0 = cpuSeconds();
          await new Promise((r) => setTimeout(r, 1000));
          busy = cpuSeconds() - c0;
        }
        console.log(`after closing the tabs the server used ${(100 * busy).toFixed(0)}% of a core`);
        assert.ok(busy < 0.1, `server still busy: ${(100 * busy).toFixed(0)}% of a core`);
      });

      await t.step("no console errors and no requests outside the app", () => {
        assert.deepEqual(consoleErrors, []);
        assert.deepEqual(outside, []);
      });
    } finally {
      await context.close();
      await browser.close();
      await d.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
}
