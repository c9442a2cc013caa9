import assert from "node:assert/strict";
import { V8_FLAGS, withV8Flags } from "../../scripts/_v8.ts";
import { denoKernelspec } from "../../scripts/_jupyter.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("every deno task that runs a script passes the project's V8 flags", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
    tasks: Record<string, string>;
  };
  const runs = Object.entries(cfg.tasks).filter(([, cmd]) => cmd.startsWith("deno run"));
  assert.ok(runs.length >= 10, `${runs.length} tasks`);
  for (const [name, cmd] of runs) {
    assert.ok(cmd.includes(`--v8-flags=${V8_FLAGS} `), `task ${name}: ${cmd}`);
  }
});

Deno.test("the Jupyter kernel runs with the project's V8 flags", () => {
  assert.deepEqual(denoKernelspec("/usr/bin/deno").env, { DENO_V8_FLAGS: V8_FLAGS });
});

Deno.test("withV8Flags keeps the caller's flags after the project's", () => {
  assert.deepEqual(withV8Flags({ X: "1" }, "--max-old-space-size=100"), {
    X: "1",
    DENO_V8_FLAGS: `${V8_FLAGS},--max-old-space-size=100`,
  });
});

Deno.test("under the project's V8 flags a worker's hot loop is optimized on its own thread", async () => {
  // Without the flags, V8 compiles in the background and a worker that never returns to
  // its event loop sometimes never gets the result (scripts/_v8.ts): the kernel stays on
  // unoptimized code. With them every compilation is synchronous and completes.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--trace-opt", "tests/scripts/fixtures/worker_hot_loop.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: withV8Flags({ NO_COLOR: "1" }, undefined),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const lines = text.split("\n").filter((l) => l.includes("<JSFunction stepEnvs "));
  const compiles = lines.filter((l) => l.startsWith("[compiling method"));
  assert.ok(compiles.length > 0, "the kernel was never compiled");
  for (const l of compiles) assert.match(l, /ConcurrencyMode::kSynchronous/, l);
  assert.ok(
    lines.some((l) => /^\[completed compiling .*\(target TURBOFAN_JS\)/.test(l)),
    "the kernel never reached TurboFan",
  );
});
