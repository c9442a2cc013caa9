/**
 * `deno task train` killed with SIGKILL at random moments and resumed until it finishes
 * writes the same bytes as the same run uninterrupted (on both env tiers, with curriculum
 * stage changes, checkpoints inside episodes, 1 vs 2 gradient threads, and envs stepped in this
 * thread or by a ParallelVecEnv over two).
 */
import assert from "node:assert/strict";
import { Rng } from "../../lib/rng/rng.ts";

const TRAIN = new URL("../../scripts/train.ts", import.meta.url).pathname;

/** A small residual run: 100-step episodes, 24-step rollouts, a checkpoint every update. */
function config(tier: "model" | "book"): Record<string, unknown> {
  return {
    seed: 9,
    totalTimesteps: 4 * 24 * (tier === "model" ? 30 : 16),
    env: { tier, duration: 10 },
    residual: { base: "glft", params: { gamma: 0.1, A: 1.5, k: 40, sigma: 0.01 } },
    ppo: { numEnvs: 4, nSteps: 24, minibatchSize: 32, epochs: 2 },
    checkpointEvery: 1,
  };
}

function train(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TRAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(p: Deno.ChildProcess): Promise<{ code: number; out: string }> {
  const r = await p.output();
  return {
    code: r.code,
    out: new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr),
  };
}

async function files(dir: string): Promise<Map<string, Uint8Array>> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  names.sort();
  const out = new Map<string, Uint8Array>();
  for (const n of names) out.set(n, await Deno.readFile(`${dir}/${n}`));
  return out;
}

for (const tier of ["model", "book"] as const) {
  Deno.test(`train killed with SIGKILL at random moments and resumed writes the same bytes (${tier} tier)`, async () => {
    const root = await Deno.makeTempDir();
    const cfgPath = `${root}/config.json`;
    await Deno.writeTextFile(cfgPath, JSON.stringify(config(tier)));
    const whole = `${root}/whole`, parts = `${root}/parts`;
    const ref = await finish(train(["--config", cfgPath, "--out", whole, "--workers", "1"]));
    assert.equal(ref.code, 0, ref.out);
    const total = config(tier).totalTimesteps as number / (4 * 24);
    const rng = new Rng(`kill/${tier}`);
    let kills = 0, attempts = 0;
    const resumedFrom: number[] = [];
    const logLines = async () => {
      try {
        return (await Deno.readTextFile(`${parts}/metrics.jsonl`)).split("\n").length - 1;
      } catch {
        return 0;
      }
    };
    for (;;) {
      attempts++;
      assert.ok(attempts < 30, "the interrupted run never finished");
      let hasCheckpoint = true;
      try {
        await Deno.stat(`${parts}/checkpoint.json`);
      } catch {
        hasCheckpoint = false;
      }
      if (hasCheckpoint) {
        resumedFrom.push(JSON.parse(await Deno.readTextFile(`${parts}/checkpoint.json`)).update);
      }
      const args = hasCheckpoint
        ? [
          "--resume",
          parts,
          "--workers",
          String(1 + (attempts % 2)),
          "--env-workers",
          String(2 - (attempts % 2)),
        ]
        : ["--config", cfgPath, "--out", parts, "--force", "--workers", "2"];
      const start = hasCheckpoint ? resumedFrom.at(-1)! : 0;
      const p = train(args);
      const exited = finish(p);
      let killed = false;
      if (kills < 4 && start < total - 1) {
        // Kill once the log reaches a random update, a random few milliseconds into the next
        // one (a rollout, an update or a checkpoint being written).
        const target = start + 1 + rng.int(total - 1 - start);
        const delay = rng.uniform(0, 40);
        let running = true;
        exited.then(() => running = false);
        while (running && (await logLines()) < target) {
          await new Promise((r) => setTimeout(r, 2));
        }
        if (running) {
          await new Promise((r) => setTimeout(r, delay));
          try {
            p.kill("SIGKILL");
            killed = true;
          } catch {
            // already exited
          }
        }
      }
      const r = await exited;
      if (killed && r.code !== 0) {
        kills++;
        continue;
      }
      assert.equal(r.code, 0, r.out);
      break;
    }
    assert.ok(kills >= 1, "at least one kill landed before the end");
    assert.ok(
      resumedFrom.some((u) => u > 0 && u < total),
      `resumed from a checkpoint inside the run (updates ${resumedFrom} of ${total})`,
    );
    console.log(
      `${tier}: ${kills} kills, resumed from updates ${resumedFrom.join(", ")} of ${total}`,
    );
    const a = await files(whole), b = await files(parts);
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [name, bytes] of a) assert.deepEqual(b.get(name), bytes, `${name} differs`);
    await Deno.remove(root, { recursive: true });
  });
}
