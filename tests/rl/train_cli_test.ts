/** `deno task train` and `deno task ablation` at the command line: help, and bad input as one named line with exit code 2 before any work. */
import assert from "node:assert/strict";

const SCRIPTS = new URL("../../scripts/", import.meta.url).pathname;

async function run(
  script: string,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${SCRIPTS}${script}`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("train --help and ablation --help print their usage and exit 0", async () => {
  for (const script of ["train.ts", "ablation.ts"]) {
    const r = await run(script, ["--help"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /usage: deno task/);
  }
});

Deno.test("train: bad output directories and configs are one-line errors naming the flag", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/checkpoint.json`, "{}");
  await Deno.writeTextFile(`${dir}/null.json`, "null");
  const file = await Deno.makeTempFile();
  const cases: [string[], RegExp][] = [
    [["--out", ""], /^error: --out: expected a directory path, got ""$/],
    [["--out", " "], /^error: --out: expected a directory path/],
    [
      ["--out", dir],
      /^error: --out: expected a directory without a training run; it holds a checkpoint: pass --resume .* or --force/,
    ],
    [["--out", file], /^error: --out: expected a directory \(it is a file\)/],
    [["--resume", ""], /^error: --resume: expected a directory path/],
    [
      ["--config", `${dir}/null.json`],
      /^error: --config: expected a JSON object of settings \(the file holds null\)/,
    ],
    [
      ["--config", `${dir}/missing.json`],
      /^error: --config: expected an existing file \(not found\)/,
    ],
    [
      ["--timesteps", "0x10"],
      /^error: --timesteps: expected an integer in \[1, 10000000000\], got "0x10"$/,
    ],
    [["--workers", "0"], /^error: --workers: expected an integer in \[1, 64\]/],
    [["--tier", "lob"], /^error: --tier: expected one of book, model, replay/],
    [["--resume", dir, "--seed", "3"], /^error: --seed: expected no value with --resume/],
    [
      ["--resume", "data/models/ppo", "--timesteps", "5", "--out", `${dir}/copy`],
      /^error: --timesteps: expected at least the 1003520 timesteps already done, got 5$/,
    ],
    [["--resume", dir], /^error: .*checkpoint\.json: version: expected 2, got undefined/],
  ];
  for (const [args, re] of cases) {
    const r = await run("train.ts", args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: one line, got ${r.err}`);
    assert.match(lines[0], re, args.join(" "));
  }
  // Nothing was written or removed.
  assert.equal(await Deno.readTextFile(`${dir}/checkpoint.json`), "{}");
});
