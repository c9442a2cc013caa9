/**
 * `deno task sweep` and `deno task worker` from the command line: bad input is one line
 * and exit code 2; a sweep killed in the middle and started again recomputes nothing it
 * had finished and ends with the bytes of an uninterrupted run.
 */
import assert from "node:assert/strict";
import { freePort } from "../../scripts/_redis.ts";
import { localBackend } from "../../lib/sweep/local.ts";
import { runSweep } from "../../lib/sweep/run.ts";
import { EXACT_FILES, readFiles, spawnScript } from "./_helpers.ts";

async function cli(script: string, args: string[]): Promise<{ code: number; out: string }> {
  const p = spawnScript(script, args);
  const s = await p.status;
  return { code: s.code, out: p.lines.join("\n") };
}

Deno.test("sweep and worker CLIs: bad input is one line naming the flag or field, exit code 2", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${tmp}/bad.json`, "{ not json");
    await Deno.writeTextFile(
      `${tmp}/typo.json`,
      JSON.stringify({ agents: [{ id: "glft", tnue: true }] }),
    );
    await Deno.writeTextFile(
      `${tmp}/ok.json`,
      JSON.stringify({ agents: [{ id: "static-spread" }] }),
    );
    const cases: [string, string[], RegExp][] = [
      ["scripts/sweep.ts", ["--bogus"], /^error: --bogus: unknown flag/],
      ["scripts/sweep.ts", [], /^error: --spec: expected a sweep spec file/],
      [
        "scripts/sweep.ts",
        ["--spec", `${tmp}/bad.json`],
        /^error: --spec: expected a readable JSON file/,
      ],
      [
        "scripts/sweep.ts",
        ["--spec", `${tmp}/typo.json`],
        /^error: agents\.0\.tnue: .*did you mean "tune"/,
      ],
      [
        "scripts/sweep.ts",
        ["--spec", `${tmp}/ok.json`, "--redis", "http://x"],
        /^error: --redis: expected a URL redis:/,
      ],
      [
        "scripts/sweep.ts",
        ["--spec", `${tmp}/ok.json`, "--workers", "0"],
        /^error: --workers: expected an integer in \[1, 256\]/,
      ],
      [
        "scripts/sweep.ts",
        [
          "--spec",
          `${tmp}/ok.json`,
          "--out",
          `${tmp}/o`,
          "--redis",
          `redis://127.0.0.1:${freePort()}`,
        ],
        /^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/,
      ],
      ["scripts/worker.ts", [], /^error: --redis: expected a Redis URL/],
      [
        "scripts/worker.ts",
        ["--redis", `redis://127.0.0.1:${freePort()}`],
        /^error: cannot reach Redis/,
      ],
    ];
    const outs = await Promise.all(cases.map(([script, args]) => cli(script, args)));
    for (const [i, [script, args, re]] of cases.entries()) {
      const r = outs[i];
      // Deno's own note when parallel processes share node_modules is not ours.
      const lines = r.out.split("\n").filter((l) =>
        l.trim() !== "" && !l.startsWith("Blocking waiting")
      );
      assert.equal(r.code, 2, `${script} ${args.join(" ")}:\n${r.out}`);
      assert.equal(lines.length, 1, `one line, no stack trace:\n${r.out}`);
      assert.match(lines[0], re);
    }
    const help = await cli("scripts/sweep.ts", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /--redis URL/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("sweep CLI: killed mid-sweep and run again, it recomputes nothing finished", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "alpe-sweep-cli-" });
  const spec = {
    name: "restart",
    seed: 8,
    episodes: 12,
    chunkSize: 2,
    env: { tier: "model", duration: 400 },
    markets: ["default", { name: "volatile", config: { volatility: 0.05 } }],
    agents: [{ id: "static-spread" }, { id: "glft" }],
  };
  try {
    await Deno.writeTextFile(`${tmp}/spec.json`, JSON.stringify(spec));
    const args = ["--spec", `${tmp}/spec.json`, "--out", `${tmp}/out`, "--workers", "1"];
    const first = spawnScript("scripts/sweep.ts", args);
    const jobs = `${tmp}/out/jobs`;
    const count = () => {
      try {
        return [...Deno.readDirSync(jobs)].filter((e) => e.name.endsWith(".json")).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < 1200 && count() < 4; i++) await new Promise((r) => setTimeout(r, 50));
    const killed = await first.kill("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
    const before = new Map<string, number>();
    for (const e of Deno.readDirSync(jobs)) {
      if (e.name.endsWith(".json")) {
        before.set(e.name, Deno.statSync(`${jobs}/${e.name}`).mtime!.getTime());
      }
    }
    const total = 2 * 2 * 6;
    assert.ok(
      before.size >= 4 && before.size < total,
      `killed mid-sweep (${before.size} of ${total} done)`,
    );

    const second = spawnScript("scripts/sweep.ts", args);
    const status = await second.status;
    assert.equal(status.code, 0, second.lines.join("\n"));
    const runs = (await Deno.readTextFile(`${tmp}/out/runs.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(runs.length, 1, "the killed run never finished");
    assert.equal(runs[0].reused, before.size);
    assert.equal(runs[0].computed, total - before.size);
    for (const k of runs[0].computedKeys) {
      assert.ok(!before.has(`${k}.json`), "nothing finished was recomputed");
    }
    for (const [name, mtime] of before) {
      assert.equal(Deno.statSync(`${jobs}/${name}`).mtime!.getTime(), mtime);
    }
    assert.ok(
      second.lines.some((l) =>
        new RegExp(
          `${total} jobs: ${before.size} reused, 0 collected, ${
            total - before.size
          } computed, 0 failed`,
        ).test(l)
      ),
    );

    // The same bytes as an uninterrupted run.
    await runSweep({ spec, out: `${tmp}/ref`, backend: () => localBackend({ threads: 2 }) });
    assert.deepEqual(
      await readFiles(`${tmp}/out/result`, EXACT_FILES),
      await readFiles(`${tmp}/ref/result`, EXACT_FILES),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
});
