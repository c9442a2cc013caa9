import assert from "node:assert/strict";
import { exists, killWhen, runScript, type ScriptRun } from "./_run.ts";
import { codeVersion } from "../../lib/sweep/version.ts";

function compare(args: string[]): Promise<ScriptRun> {
  return runScript("compare", args);
}

const METRICS = [
  "sharpe",
  "sortino",
  "calmar",
  "totalPnl",
  "maxDrawdown",
  "avgAbsInventory",
  "var95",
  "cvar95",
  "winRate",
  "profitFactor",
  "fillRatio",
];

const TINY = [
  "--json",
  "--episodes",
  "2",
  "--duration",
  "10",
  "--tier",
  "model",
  "--calibration-episodes",
  "2",
  "--seed",
  "5",
];

Deno.test("compare --json: exactly one JSON object, documented keys, byte-identical reruns", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await compare([...TINY, "--out", `${dir}/a`, "--workers", "1"]);
    assert.equal(a.code, 0, a.stderr);
    const report = JSON.parse(a.stdout); // throws unless stdout is one JSON value
    assert.equal(a.stdout.trim().split("\n").length, 1);
    assert.equal(typeof report, "object");
    for (const key of ["agents", "config", "seeds", "units"]) assert.ok(key in report, key);
    const ids = Object.keys(report.agents);
    for (const id of ["random", "static-spread", "adaptive-spread", "avellaneda-stoikov", "glft"]) {
      assert.ok(ids.includes(id), id);
      for (const m of METRICS) {
        const s = report.agents[id][m];
        assert.ok(s, `${id}.${m}`);
        assert.ok(s.mean === null || typeof s.mean === "number");
        assert.ok(Array.isArray(s.ci95) && s.ci95.length === 2, `${id}.${m}.ci95`);
      }
    }
    // ppo: real results when a trained model ships, else an honest "unavailable".
    const ppo = report.agents.ppo;
    if (ppo.available === false) assert.equal(typeof ppo.reason, "string");
    else assert.ok(Array.isArray(ppo.sharpe.ci95));
    assert.equal(report.seeds.evaluation.length, 2);
    for (const s of report.seeds.calibration) assert.ok(!report.seeds.evaluation.includes(s));
    assert.equal(report.config.tier, "model");
    assert.equal(report.config.duration, 10);
    assert.ok(report.comparisons.agents.glft.totalPnl);
    // The result files were written; results.json holds the same report.
    assert.equal(await Deno.readTextFile(`${dir}/a/results.json`), a.stdout);
    const html = await Deno.readTextFile(`${dir}/a/report.html`);
    // Offline: the only script loaded from a file is the folder's one shared copy of plotly.js.
    const srcs = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(html.includes("<html"));
    assert.deepEqual(srcs, ["plotly.js"]);
    assert.ok((await Deno.readTextFile(`${dir}/a/plotly.js`)).includes("Plotly"));
    assert.ok((await Deno.readTextFile(`${dir}/a/episodes.csv`)).startsWith("agent,episode,seed"));

    // Same seed: byte-identical stdout, whatever the worker count.
    const b = await compare([...TINY, "--out", `${dir}/b`, "--workers", "2"]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, a.stdout);
    // ... and every output file byte-identical (report.html included), manifest too.
    const names = [...Deno.readDirSync(`${dir}/a`)].map((e) => e.name).sort();
    assert.ok(names.includes("report.html") && names.includes(".alpe-output.json"), `${names}`);
    assert.deepEqual([...Deno.readDirSync(`${dir}/b`)].map((e) => e.name).sort(), names);
    for (const n of names) {
      assert.deepEqual(
        await Deno.readFile(`${dir}/b/${n}`),
        await Deno.readFile(`${dir}/a/${n}`),
        n,
      );
    }
    // A previous result is not replaced unless asked: refused before any work, kept intact.
    const again = await compare([...TINY, "--out", `${dir}/a`]);
    assert.equal(again.code, 2, again.stderr);
    assert.ok(again.stderr.startsWith("error: --out:") && again.stderr.includes("--force"));
    assert.equal(again.stderr.trim().split("\n").length, 1, again.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/a/results.json`), a.stdout);
    const forced = await compare([...TINY, "--out", `${dir}/a`, "--force", "--agents", "glft"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/a/results.json`), forced.stdout);
    await assert.rejects(Deno.stat(`${dir}/a/steps.arrow`), Deno.errors.NotFound);
    // Another seed: different results.
    // (a flag given twice is an error: replace TINY's seed, its last value)
    const c = await compare([...TINY.slice(0, -1), "6", "--out", `${dir}/c`, "--agents", "glft"]);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(Object.keys(JSON.parse(c.stdout).agents), ["glft"]);
    assert.notEqual(
      JSON.parse(c.stdout).agents.glft.totalPnl.mean,
      report.agents.glft.totalPnl.mean,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare --arrow writes a readable steps.arrow", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await compare([
      ...TINY,
      "--agents",
      "static-spread,random",
      "--arrow",
      "--out",
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { tableFromIPC } = await import("npm:apache-arrow@21.2.0");
    const table = tableFromIPC(await Deno.readFile(`${dir}/steps.arrow`));
    assert.equal(table.numRows, 2 * 2 * 100);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [args, flag] of [
    [["--episodes", "-1"], "--episodes"],
    [["--episodes", "2.5"], "--episodes"],
    [["--agents", "nope"], "--agents"],
    [["--volatility", "5"], "--volatility"],
    [["--duration", "5"], "--duration"],
    [["--price", "abc"], "--price"],
    [["--tier", "l2"], "--tier"],
    [["--bogus"], "--bogus"],
    [["--model", "/nonexistent/model"], "--model"],
    [["--out", "/dev/null"], "--out"],
    [["--seed", "0x10"], "--seed"],
    [["--markets", "nosuch-market"], "--markets"],
    [["--markets", "default", "--tier", "model"], "--tier"],
    [["--markets", "default", "--preset", "btcusdt"], "--preset"],
    [["--rivals", "touch"], "--rivals"],
    [["--markets", "default", "--rivals", "nope"], "--rivals"],
  ] as const
) {
  Deno.test(`compare ${args.join(" ")}: exit 2, names ${flag}, no stack trace`, async () => {
    const r = await compare(["--json", ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.includes(flag), r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.ok(!/^\s+at /m.test(r.stderr), r.stderr);
  });
}

Deno.test("compare --episodes -1 states the allowed range", async () => {
  const r = await compare(["--episodes", "-1"]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes("--episodes: expected an integer in [1, 100000]"), r.stderr);
});

Deno.test("compare --help documents the flags", async () => {
  const r = await compare(["--help"]);
  assert.equal(r.code, 0);
  for (const f of ["--episodes", "--seed", "--agents", "--duration", "--price", "--volatility"]) {
    assert.ok(r.stdout.includes(f), f);
  }
});

Deno.test("compare --markets: a comparison per market, the matrix, one output set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "--json",
      "--markets",
      "default,default+coarse-tick",
      "--agents",
      "touch,glft,static-spread",
      "--rivals",
      "touch,glft",
      "--duration",
      "10",
      "--episodes",
      "3",
      "--calibration-episodes",
      "2",
      "--seed",
      "4",
    ];
    const r = await compare([...args, "--out", `${dir}/m`]);
    assert.equal(r.code, 0, r.stderr);
    const matrix = JSON.parse(r.stdout);
    assert.deepEqual(matrix.markets.map((m: { name: string }) => m.name), [
      "default",
      "default+coarse-tick",
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/m/matrix.json`), r.stdout);
    for (const [i, m] of matrix.markets.entries()) {
      assert.ok(["touch", "glft"].includes(m.bestRival), m.bestRival);
      // Every agent but the rival itself has a cell against the best rival, with a verdict
      // that agrees with its CI.
      for (const id of ["touch", "glft", "static-spread"]) {
        const c = matrix.matrix.totalPnl[id][i];
        if (id === m.bestRival) {
          assert.equal(c, null);
          continue;
        }
        assert.equal(c.rival, m.bestRival);
        assert.equal(c.verdict, c.ci95[0] > 0 ? "win" : c.ci95[1] < 0 ? "loss" : "tie");
      }
      const res = JSON.parse(await Deno.readTextFile(`${dir}/m/${m.folder}/results.json`));
      assert.equal(res.seeds.evaluation.length, 3);
      const html = await Deno.readTextFile(`${dir}/m/${m.folder}/report.html`);
      assert.ok(html.includes('src="../../plotly.js"'));
    }
    assert.ok((await Deno.stat(`${dir}/m/plotly.js`)).isFile);
    assert.ok((await Deno.readTextFile(`${dir}/m/index.html`)).includes("01-default/report.html"));
    // The coarse tick is another market: its results differ from the default's.
    const [a, b] = await Promise.all(
      matrix.markets.map((m: { folder: string }) =>
        Deno.readTextFile(`${dir}/m/${m.folder}/episodes.csv`)
      ),
    );
    assert.notEqual(a, b);
    // A second run into the same folder is refused without --force, then replaces it.
    const again = await compare([...args, "--out", `${dir}/m`]);
    assert.equal(again.code, 2);
    assert.ok(again.stderr.includes("--out"), again.stderr);
    const forced = await compare([...args, "--out", `${dir}/m`, "--force", "--workers", "0"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stdout, r.stdout); // same seed, other worker count: same bytes
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare killed mid-run (SIGKILL) and run again: only the jobs left are run, and every file is the uninterrupted run's; runs with other arguments keep their own jobs", async () => {
  const dir = await Deno.makeTempDir();
  const args = (out: string, agents = "static-spread,avellaneda-stoikov,glft,touch") => [
    ...["--episodes", "24", "--duration", "30", "--tier", "model", "--calibration-episodes"],
    ...["8", "--seed", "5", "--agents", agents, "--out", out],
  ];
  // the progress directories beside `out` (OUT.partial-FINGERPRINT)
  const partials = (out: string) =>
    [...Deno.readDirSync(dir)].map((e) => e.name)
      .filter((n) => n.startsWith(`${out.slice(dir.length + 1)}.partial-`)).map((n) =>
        `${dir}/${n}`
      );
  try {
    const whole = await compare(args(`${dir}/whole`));
    assert.equal(whole.code, 0, whole.stderr);
    const out = `${dir}/resumed`;
    // killed once a few jobs are saved (run.json and two of them), before the last one
    const killed = await killWhen("compare", args(out), out, () => {
      const p = partials(out);
      return p.length === 1 && [...Deno.readDirSync(p[0])].length >= 3;
    }, () => partials(out).forEach((p) => Deno.removeSync(p, { recursive: true })));
    assert.ok(killed, "a kill landed before the files were written");
    const [partial] = partials(out);
    // the jobs are keyed by the code that computed them too
    assert.equal(
      JSON.parse(await Deno.readTextFile(`${partial}/run.json`)).key.code,
      await codeVersion(),
    );
    // the jobs saved whole (a kill during a write leaves a hidden temporary file, not a job)
    const saved = [...Deno.readDirSync(partial)]
      .filter((e) => /^job-[0-9a-f]{64}\.json$/.test(e.name)).length;
    // a run with other arguments beside it: its directory is another, named and kept
    const otherRun = await compare(args(out, "glft"));
    assert.equal(otherRun.code, 0, otherRun.stderr);
    assert.match(otherRun.stderr, new RegExp(`note: ${partial}.* holds an unfinished comparison`));
    assert.ok(exists(`${partial}/run.json`), "another run's jobs are kept");
    await Deno.remove(out, { recursive: true });
    const again = await compare(args(out));
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stderr,
      new RegExp(`resuming: ${saved} backtest jobs saved by an earlier run`),
    );
    for (const n of [...Deno.readDirSync(`${dir}/whole`)].map((e) => e.name)) {
      assert.deepEqual(
        await Deno.readFile(`${out}/${n}`),
        await Deno.readFile(`${dir}/whole/${n}`),
        n,
      );
    }
    assert.deepEqual(partials(out), [], "the saved jobs removed with the files written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
