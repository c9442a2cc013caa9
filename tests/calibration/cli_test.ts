import assert from "node:assert/strict";
import { exists, killWhen, runScript, type ScriptRun } from "../scripts/_run.ts";
import { sha256File } from "../../lib/data/io.ts";
import { codeVersion } from "../../lib/sweep/version.ts";

const BTC = "data/real/binance/spot_btcusdt_20240808.gz";
const AMZN = "data/real/lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";

function oneLineError(r: ScriptRun, flag: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], flag);
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
}

Deno.test("calibrate CLI: required flags, missing files and too-short windows are one-line errors", async () => {
  oneLineError(await runScript("calibrate", ["--out", "x.json"]), /^error: --data/);
  oneLineError(await runScript("calibrate", ["--data", BTC]), /^error: --out/);
  oneLineError(
    await runScript("calibrate", ["--data", "no/such/file.gz", "--out", "/tmp/alpe-x.json"]),
    /no\/such\/file/,
  );
  oneLineError(
    await runScript("calibrate", ["--data", BTC, "--out", "x.json", "--from", "5", "--to", "3"]),
    /^error: --to/,
  );
  // a calibration of the BTCUSDT tape with these flags
  const btc = (...f: string[]) => runScript("calibrate", ["--data", BTC, "--out", "x.json", ...f]);
  oneLineError(
    await btc("--lot", "0.001", "--size-lot", "0.01"),
    /^error: --size-lot: expected a lot at most --lot \(0\.001\), got 0\.01/,
  );
  oneLineError(await btc("--limit-sizes", "round"), /^error: --limit-sizes/);
  oneLineError(
    await btc("--lump-match"),
    /^error: --lump-match: only with --impact-lump \(it matches the lump that flag fits\)$/,
  );
  oneLineError(
    await btc("--impact-lump", "--lump-match", "--refine-iterations", "0"),
    /^error: --lump-match: not with --refine-iterations 0/,
  );
  oneLineError(await btc("--fast-size-sigma", "6"), /^error: --fast-size-sigma: expected/);
  oneLineError(await btc("--size-exponent", "1.5"), /^error: --size-exponent: expected/);
  oneLineError(await btc("--sniper-sizes", "half"), /^error: --sniper-sizes: expected one of/);
  oneLineError(
    await btc("--placement-range", "1001"),
    /^error: --placement-range: expected an integer in \[2, 1000\], got "1001"$/,
  );
  oneLineError(await btc("--placement-range", "40.5"), /^error: --placement-range: expected/);
  oneLineError(
    await btc("--share-moments", "--refine-iterations", "0"),
    /^error: --share-moments: not with --refine-iterations 0/,
  );
  // a calibration of the AMZN tape with these flags
  const amzn = (...f: string[]) =>
    runScript("calibrate", ["--data", AMZN, "--out", "x.json", ...f]);
  oneLineError(
    await amzn("--spread-baseline", "--spread-intensity"),
    /^error: --spread-baseline: not with --spread-intensity \(one market-order timing\)$/,
  );
  oneLineError(
    await amzn("--fleeting"),
    /^error: --fleeting: only with --touch \(the fleeting orders are the touch flow's\)$/,
  );
  oneLineError(
    await amzn("--touch-excitation"),
    /^error: --touch-excitation: only with --touch$/,
  );
  oneLineError(
    await amzn("--touch", "--touch-deletions"),
    /^error: --touch-deletions: not with --touch \(the touch flow has deletions of its own\)$/,
  );
  oneLineError(
    await amzn("--match-deletions"),
    /^error: --match-deletions: only with --touch-deletions \(its factor is on their rates\)$/,
  );
  oneLineError(
    await amzn("--touch", "--fleeting", "--touch-excitation"),
    /^error: --touch-excitation: not with --fleeting \(its deletions would count twice\)$/,
  );
  oneLineError(
    await runScript("calibrate", ["--data", BTC, "--out", "x.json", "--starts", "17"]),
    /^error: --starts: expected an integer in \[1, 16\], got "17"$/,
  );
  const unrefined = ["--starts", "2", "--refine-iterations", "0"];
  oneLineError(
    await runScript("calibrate", ["--data", BTC, "--out", "x.json", ...unrefined]),
    /^error: --starts: expected 1 with --refine-iterations 0 \(the starts are compared by the information fit's objective\), got 2$/,
  );
  // 30 s of the BTC feed: too short to fit
  const dir = await Deno.makeTempDir();
  try {
    oneLineError(
      await runScript("calibrate", [
        "--data",
        BTC,
        "--out",
        `${dir}/p.json`,
        "--from",
        "86100",
        "--to",
        "86130",
      ]),
      /too short to fit \(needs at least 100 s of book/,
    );
    // a finer lot above the tape's own lot (known once the tape is read), named by its flag
    oneLineError(
      await runScript("calibrate", ["--data", BTC, "--out", `${dir}/q.json`, "--size-lot", "0.01"]),
      /^error: --size-lot: expected a lot size in instrument units, positive and at most the lot 0\.001, got 0\.01/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("calibrate CLI: writes a valid preset, and never replaces one without --force", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/btc.json`;
    const args = ["--data", BTC, "--out", out, "--name", "btc-test", "--refine-iterations", "0"];
    const r = await runScript("calibrate", args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /flow\.arrivals\.alpha\.0\.0/);
    const preset = JSON.parse(await Deno.readTextFile(out));
    assert.equal(preset.name, "btc-test");
    assert.equal(preset.provenance.sources[0].path, BTC);
    // the calibration's warnings travel with every realism report on the preset
    const warned = `${dir}/btc-warned.json`;
    const warnings = [...(preset.provenance.warnings ?? []), "test: a warning to carry"];
    await Deno.writeTextFile(
      warned,
      JSON.stringify({ ...preset, provenance: { ...preset.provenance, warnings } }),
    );
    const realism = await runScript("realism", [
      "--preset",
      warned,
      "--data",
      BTC,
      "--seconds",
      "120",
      "--episode",
      "60",
      "--resamples",
      "20",
      "--json",
      "--out",
      `${dir}/realism`,
    ]);
    assert.equal(realism.code, 0, realism.stderr);
    const summary = JSON.parse(realism.stdout);
    assert.equal(Object.keys(summary.facts).length, 17);
    for (const f of Object.values(summary.facts) as Record<string, unknown>[]) {
      assert.ok("real" in f && "sim" in f && "distance" in f && "tolerance" in f && "pass" in f);
    }
    const files = [...Deno.readDirSync(`${dir}/realism`)].map((e) => e.name).sort();
    assert.deepEqual(files, [".alpe-output.json", "report.html", "summary.json"]);
    assert.deepEqual(summary.calibrationWarnings, warnings);
    assert.deepEqual(summary.notes, []); // the preset's own instrument
    const html = await Deno.readTextFile(`${dir}/realism/report.html`);
    assert.ok(html.includes("Calibration warning (in the preset provenance): test: a warning"));
    // another instrument: the report says in which units it compares them
    const other = await runScript("realism", [
      ...["--preset", warned, "--data", AMZN, "--seconds", "120", "--episode", "60"],
      ...["--resamples", "20", "--json", "--out", `${dir}/realism-amzn`],
    ]);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(JSON.parse(other.stdout).notes, [
      "AMZN_2012-06-21_34200000_57600000_1 is AMZN, not the preset's BTCUSDT: prices are " +
      "compared in each market's ticks, sizes in the preset's lots of 0.001 units of AMZN",
    ]);
    oneLineError(await runScript("calibrate", args), /^error: --out: .*--force/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realism CLI: unknown presets and missing data are one-line errors; compare takes --preset", async () => {
  oneLineError(
    await runScript("realism", ["--preset", "no-such-preset", "--data", BTC]),
    /^error: --preset/,
  );
  oneLineError(await runScript("realism", ["--preset", "amzn"]), /^error: --data/);
  oneLineError(await runScript("compare", ["--preset", "nope"]), /^error: --preset/);
  oneLineError(
    await runScript("compare", ["--preset", "amzn", "--config", "x.json"]),
    /^error: --preset|^error: --config/,
  );
  const dir = await Deno.makeTempDir();
  try {
    const r = await runScript("compare", [
      "--preset",
      "amzn",
      "--tier",
      "model",
      "--episodes",
      "2",
      "--duration",
      "10",
      "--calibration-episodes",
      "2",
      "--agents",
      "avellaneda-stoikov",
      "--json",
      "--out",
      `${dir}/c`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    // the preset's market (price, lot), with the flags given on top (tier, duration)
    assert.equal(rep.config.env.lotSize, 100);
    assert.ok(rep.config.env.initialPrice > 200 && rep.config.env.initialPrice < 230);
    assert.equal(rep.config.env.tier, "model");
    assert.equal(rep.config.env.duration, 10);
    // the preset's realism verdict measured its book tier, not this model-tier market
    assert.equal(rep.realism, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realism CLI --seeds: each seed's verdict is that seed's own run, how often each fact passed; a bad count is a one-line error", async () => {
  const small = ["--data", BTC, "--seconds", "120", "--episode", "60", "--resamples", "20"];
  oneLineError(
    await runScript("realism", ["--preset", "btcusdt", ...small, "--seeds", "0"]),
    /^error: --seeds/,
  );
  oneLineError(
    await runScript("realism", [
      "--preset",
      "btcusdt",
      ...small,
      "--seed",
      "4294967295",
      "--seeds",
      "2",
    ]),
    /^error: --seeds/,
  );
  const dir = await Deno.makeTempDir();
  try {
    const many = await runScript("realism", [
      ...["--preset", "btcusdt", ...small, "--seed", "4", "--seeds", "2", "--json"],
      ...["--out", `${dir}/seeds`],
    ]);
    assert.equal(many.code, 0, many.stderr);
    const summary = JSON.parse(many.stdout);
    assert.deepEqual(summary.seeds, [4, 5]);
    assert.equal(Object.keys(summary.facts).length, 17);
    const one = await runScript("realism", [
      ...["--preset", "btcusdt", ...small, "--seed", "5", "--json", "--out", `${dir}/one`],
    ]);
    assert.equal(one.code, 0, one.stderr);
    const single = JSON.parse(one.stdout);
    let passed = 0;
    for (
      const [name, f] of Object.entries(single.facts) as [
        string,
        { pass: boolean | null; distance: number | null },
      ][]
    ) {
      assert.equal(summary.facts[name].pass[1], f.pass, name);
      assert.equal(summary.facts[name].distance[1], f.distance, name);
      if (f.pass === true) passed++;
    }
    assert.equal(summary.passed[1], passed);
    const html = await Deno.readTextFile(`${dir}/seeds/report.html`);
    assert.ok(html.includes("over 2 simulation seeds (4–5)"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --preset: trains in the calibrated market (its regimes, its price and lot), and says what its realism verdict says", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await runScript("train", ["--preset", "amzn", "--timesteps", "2048", "--out", dir]);
    assert.equal(r.code, 0, r.stderr);
    // what the preset's realism verdict says of the market, before the training
    assert.match(r.stderr, /^realism: amzn passes [\d.]+ of 17 judged facts/m);
    assert.match(r.stderr, /^markout fails on \d+ of \d+ seeds: a market maker's P&L rests on it/m);
    const cp = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
    assert.equal(cp.config.env.lotSize, 100);
    assert.ok(cp.config.env.initialPrice > 200 && cp.config.env.initialPrice < 230);
    const preset = JSON.parse(
      await Deno.readTextFile(new URL("../../data/presets/amzn.json", import.meta.url)),
    );
    assert.deepEqual(cp.config.env.regimes.names, preset.config.regimes.names);
    oneLineError(
      await runScript("train", ["--preset", "nope", "--out", dir, "--force"]),
      /^error: --preset/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sim-tape CLI: writes a preset's simulated tape that calibrate reads, never replaces one without --force; bad flags are one-line errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/sim.csv`;
    const args = ["--preset", "btcusdt", "--out", out, "--seconds", "120", "--seed", "3"];
    const r = await runScript("sim-tape", args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote .*sim\.csv: 120 s of btcusdt \(seed 3\)/);
    const text = await Deno.readTextFile(out);
    assert.match(text, /^# instrument=SIM\n# tick_size=0\.01\n# qty_step=0\.001\n/);
    oneLineError(await runScript("sim-tape", args), /^error: --out: .*--force/);
    assert.equal(await Deno.readTextFile(out), text);
    const again = await runScript("sim-tape", [...args, "--force"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await Deno.readTextFile(out), text); // deterministic
    // calibrate reads it like a recording
    const preset = `${dir}/p.json`;
    const cal = await runScript("calibrate", [
      "--data",
      out,
      "--out",
      preset,
      "--lot",
      "0.001",
      "--refine-iterations",
      "0",
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(preset)).config.lotSize, 0.001);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  oneLineError(await runScript("sim-tape", ["--out", "x.csv"]), /^error: --preset/);
  oneLineError(await runScript("sim-tape", ["--preset", "btcusdt"]), /^error: --out/);
  oneLineError(
    await runScript("sim-tape", ["--preset", "nosuch", "--out", "x.csv"]),
    /^error: --preset/,
  );
  oneLineError(
    await runScript("sim-tape", ["--preset", "btcusdt", "--out", "x.csv", "--seconds", "0"]),
    /^error: --seconds/,
  );
});

Deno.test("realism CLI --verdict: writes the preset's verdict beside it, which compare then shows; never replaces one without --force; misuse is a one-line error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const preset = `${dir}/p.json`;
    await Deno.copyFile("data/presets/btcusdt-lump.json", preset);
    const small = ["--data", BTC, "--seconds", "120", "--episode", "60", "--resamples", "20"];
    const args = ["--preset", preset, ...small, "--seeds", "2", "--verdict", "--out", `${dir}/r`];
    const r = await runScript("realism", [...args, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    const v = JSON.parse(await Deno.readTextFile(`${dir}/realism/p.json`));
    assert.equal(v.preset, "p");
    assert.equal(v.presetSha256, await sha256File(preset));
    assert.deepEqual(v.seeds, [0, 1]);
    assert.deepEqual(v.data, [BTC]);
    assert.equal(v.meanPassed, summary.meanPassed);
    for (const [name, f] of Object.entries(summary.facts) as [string, { passed: number }][]) {
      assert.equal(v.facts[name].passed, f.passed, name);
    }
    assert.equal(
      v.command,
      `deno task realism --preset ${preset} --data ${BTC} --seed 0 --seeds 2 --seconds 120 ` +
        "--episode 60 --resamples 20 --verdict",
    );
    // compare says it next to its results in that market
    const c = await runScript("compare", [
      ...["--preset", preset, "--episodes", "2", "--duration", "10"],
      ...["--calibration-episodes", "2", "--agents", "touch", "--json", "--out", `${dir}/c`],
    ]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(JSON.parse(c.stdout).realism[0], /^realism: p passes /);
    // an existing verdict is replaced only with --force; misuse before any work
    oneLineError(
      await runScript("realism", [...args.slice(0, -1), `${dir}/r2`]),
      /^error: --verdict: .*--force/,
    );
    // a broken verdict does not stop its own measurement, with --force
    await Deno.writeTextFile(`${dir}/realism/p.json`, "{ broken");
    const again = await runScript("realism", [...args.slice(0, -1), `${dir}/r3`, "--force"]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/realism/p.json`)), v);
    oneLineError(
      await runScript("realism", ["--preset", preset, ...small, "--verdict"]),
      /^error: --seeds/,
    );
    oneLineError(
      await runScript("realism", [
        ...["--preset", "btcusdt-lump+high-latency", ...small, "--seeds", "2", "--verdict"],
      ]),
      /^error: --preset/,
    );
    oneLineError(
      await runScript("realism", [...args.slice(0, -2), "--agent", "touch"]),
      /^error: --agent/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("calibrate CLI --starts: killed after a start, run again (on two threads) it resumes and writes the uninterrupted run's bytes on one; another command's starts are refused, or discarded with --force", async () => {
  const dir = Deno.makeTempDirSync();
  const args = (out: string, ...more: string[]) => [
    ...["--data", BTC, "--to", "86228", "--out", out, "--refine-iterations", "0"],
    ...["--starts", "2", "--select", "realism", "--select-seeds", "1", ...more],
  ];
  try {
    const whole = await runScript("calibrate", args(`${dir}/whole.json`, "--workers", "1"));
    assert.equal(whole.code, 0, whole.stderr);
    // killed (SIGKILL) once its first start is saved, before the preset is written
    const out = `${dir}/resumed.json`;
    const killed = await killWhen(
      "calibrate",
      args(out, "--workers", "1"),
      out,
      () => exists(`${out}.starts/start-0.json`),
      () => exists(`${out}.starts`) && Deno.removeSync(`${out}.starts`, { recursive: true }),
    );
    assert.ok(killed, "killed before the end (the preset not yet written)");
    // the starts are keyed by the code that computed them too
    const run = JSON.parse(await Deno.readTextFile(`${out}.starts/run.json`));
    assert.equal(run.key.code, await codeVersion());
    // the rest on two threads: the saved start scored and the other calibrated on workers
    const again = await runScript("calibrate", args(out, "--workers", "2"));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming: start on seed 0 saved by an earlier run/);
    assert.match(again.stderr, /start 1 of 2: seed 0 \(saved by an earlier run\)/);
    // the second start's log whole after its first line, as on one thread
    const startLog = (text: string) => text.slice(text.indexOf("start 2 of 2"));
    assert.equal(startLog(again.stderr), startLog(whole.stderr));
    assert.equal(await Deno.readTextFile(out), await Deno.readTextFile(`${dir}/whole.json`));
    assert.ok(
      !exists(`${out}.starts/run.json`),
      "the saved starts removed with the preset written",
    );
    // starts saved by another command are neither used nor deleted unasked
    await Deno.mkdir(`${dir}/other.json.starts`);
    await Deno.writeTextFile(
      `${dir}/other.json.starts/run.json`,
      JSON.stringify({ fingerprint: "0".repeat(64), key: "another command's" }),
    );
    await Deno.writeTextFile(`${dir}/other.json.starts/start-9.json`, "{}");
    oneLineError(
      await runScript("calibrate", args(`${dir}/other.json`)),
      /^error: --out: .*other\.json\.starts: expected progress saved for these arguments .*pass --force to discard it/,
    );
    assert.ok(exists(`${dir}/other.json.starts/run.json`));
    // one start saves nothing and leaves another command's starts alone
    const single = await runScript("calibrate", [
      ...["--data", BTC, "--to", "86228", "--out", `${dir}/other.json`, "--refine-iterations", "0"],
    ]);
    assert.equal(single.code, 0, single.stderr);
    assert.ok(exists(`${dir}/other.json.starts/run.json`));
    // --force: they are discarded, and the run is the uninterrupted one
    const forced = await runScript("calibrate", args(`${dir}/other.json`, "--force"));
    assert.equal(forced.code, 0, forced.stderr);
    assert.doesNotMatch(forced.stderr, /saved by an earlier run/);
    assert.equal(
      await Deno.readTextFile(`${dir}/other.json`),
      await Deno.readTextFile(`${dir}/whole.json`),
    );
    assert.ok(!exists(`${dir}/other.json.starts/run.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realism CLI --seeds: killed part way and run again, only the seeds left run and the report is the uninterrupted run's; two threads give one thread's bytes", async () => {
  const dir = Deno.makeTempDirSync();
  const args = (out: string, ...more: string[]) => [
    ...["--preset", "btcusdt", "--data", BTC, "--seconds", "600", "--episode", "300"],
    ...["--resamples", "100", "--seed", "3", "--seeds", "12", "--out", out, "--json", ...more],
  ];
  // this run's progress directory beside `out` (OUT.partial-FINGERPRINT)
  const partials = () =>
    [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("resumed.partial-"))
      .map((e) => `${dir}/${e.name}`);
  try {
    const whole = await runScript("realism", args(`${dir}/whole`, "--workers", "1"));
    assert.equal(whole.code, 0, whole.stderr);
    const out = `${dir}/resumed`;
    const killed = await killWhen(
      "realism",
      args(out, "--workers", "2"),
      out,
      () => partials().some((p) => exists(`${p}/seed-5.json`)),
      () => partials().forEach((p) => Deno.removeSync(p, { recursive: true })),
    );
    assert.ok(killed, "a kill landed before the report was written");
    // the seeds are keyed by the code that computed them too
    for (const p of partials()) {
      assert.equal(
        JSON.parse(await Deno.readTextFile(`${p}/run.json`)).key.code,
        await codeVersion(),
      );
    }
    const again = await runScript("realism", args(out, "--workers", "2"));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resuming: \d+ seeds saved by an earlier run/);
    assert.equal(again.stdout, whole.stdout);
    for (const n of ["summary.json", "report.html"]) {
      assert.equal(
        await Deno.readTextFile(`${out}/${n}`),
        await Deno.readTextFile(`${dir}/whole/${n}`),
        n,
      );
    }
    assert.deepEqual(partials(), [], "the saved seeds removed with the report written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realism CLI --null: the preset against its own simulation in the tape's place, said in the summary; not with --verdict", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const small = ["--data", BTC, "--seconds", "120", "--episode", "60", "--resamples", "20"];
    const r = await runScript("realism", [
      ...["--preset", "btcusdt", ...small, "--null", "--seeds", "2", "--json", "--out", dir],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.null, true);
    assert.match(summary.notes[0], /^The null: btcusdt compared with its own simulation/);
    assert.equal(Object.keys(summary.facts).length, 17);
    assert.match(Deno.readTextFileSync(`${dir}/report.html`), /Null: Realism over 2 seeds/);
    oneLineError(
      await runScript("realism", [
        "--preset",
        "btcusdt",
        ...small,
        "--null",
        "--seeds",
        "2",
        "--verdict",
      ]),
      /^error: --null: expected no --verdict/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
