import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);

Deno.test("the README's TypeScript example runs and prints one P&L per episode", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 1, "README has a ts example");
  const file = new URL(`.readme_example_${Deno.pid}.ts`, root);
  await Deno.writeTextFile(file, blocks.join("\n"));
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", file.pathname],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    const printed = new TextDecoder().decode(out.stdout);
    const values = printed.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? [];
    assert.equal(values.length, 8, printed);
    for (const v of values) assert.ok(Number.isFinite(Number(v)));
  } finally {
    await Deno.remove(file).catch(() => {});
  }
});
