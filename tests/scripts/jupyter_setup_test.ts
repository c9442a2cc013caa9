import assert from "node:assert/strict";
import {
  denoKernelspec,
  installUserKernelspec,
  isCachePath,
  jupyterDataDir,
  KERNELSPEC_TAG,
  stableDeno,
} from "../../scripts/_jupyter.ts";
import { serverArgs, serverUrl } from "../../scripts/lab.ts";

Deno.test("jupyterDataDir: where `jupyter` looks for the user's kernels", () => {
  assert.equal(jupyterDataDir({ HOME: "/h" }, "linux"), "/h/.local/share/jupyter");
  assert.equal(jupyterDataDir({ HOME: "/h", XDG_DATA_HOME: "/x" }, "linux"), "/x/jupyter");
  assert.equal(jupyterDataDir({ HOME: "/h", JUPYTER_DATA_DIR: "/j" }, "linux"), "/j");
  assert.equal(jupyterDataDir({ HOME: "/h" }, "darwin"), "/h/Library/Jupyter");
  assert.equal(jupyterDataDir({ APPDATA: "C:\\A" }, "windows"), "C:\\A\\jupyter");
  assert.equal(jupyterDataDir({}, "linux"), undefined);
});

Deno.test("isCachePath: npx and npm caches are not stable, installed binaries are", () => {
  assert.ok(isCachePath("/home/u/.npm/_npx/1a2b/node_modules/deno/deno"));
  assert.ok(isCachePath("/home/u/.cache/deno/bin/deno"));
  assert.ok(!isCachePath("/usr/bin/deno"));
  assert.ok(!isCachePath("/home/u/.deno/bin/deno"));
  assert.ok(!isCachePath("/home/u/.local/share/alpe/deno-2.9.6/deno"));
});

Deno.test("stableDeno: keeps an installed deno, else a PATH deno, else copies it out of the cache", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "alpe_stable_deno_" });
  try {
    assert.deepEqual(await stableDeno({ HOME: tmp }, "/usr/bin/deno"), {
      path: "/usr/bin/deno",
      copied: false,
    });
    const cached = `${tmp}/.npm/_npx/abc/node_modules/deno/deno`;
    await Deno.mkdir(cached.replace(/\/deno$/, ""), { recursive: true });
    await Deno.writeTextFile(cached, "#!/bin/sh\necho fake deno\n");
    const bin = `${tmp}/bin`;
    await Deno.mkdir(bin);
    await Deno.writeTextFile(`${bin}/deno`, "");
    assert.deepEqual(await stableDeno({ HOME: tmp, PATH: `/nonexistent:${bin}` }, cached), {
      path: `${bin}/deno`,
      copied: false,
    });
    const first = await stableDeno({ HOME: tmp, PATH: "" }, cached);
    assert.equal(first?.path, `${tmp}/.local/share/alpe/deno-${Deno.version.deno}/deno`);
    assert.equal(first?.copied, true);
    assert.equal(await Deno.readTextFile(first!.path), "#!/bin/sh\necho fake deno\n");
    assert.equal((await Deno.stat(first!.path)).mode! & 0o111, 0o111, "executable");
    // The cache goes away: the copy stays, and a second set-up reuses it.
    await Deno.remove(`${tmp}/.npm`, { recursive: true });
    assert.deepEqual(await stableDeno({ HOME: tmp, PATH: "" }, cached), {
      path: first!.path,
      copied: false,
    });
    assert.equal(await stableDeno({ PATH: "" }, cached), undefined, "no home, no copy");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("installUserKernelspec writes, keeps a working foreign one, replaces a broken one", async () => {
  const data = await Deno.makeTempDir({ prefix: "alpe_kernelspec_" });
  const file = `${data}/kernels/deno/kernel.json`;
  try {
    const r1 = await installUserKernelspec("/usr/bin/deno", data);
    assert.deepEqual(r1, { file, deno: "/usr/bin/deno", action: "written" });
    const spec = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual(spec, denoKernelspec("/usr/bin/deno"));
    assert.deepEqual(spec.argv, [
      "/usr/bin/deno",
      "jupyter",
      "--kernel",
      "--conn",
      "{connection_file}",
    ]);
    assert.equal(spec.metadata.registered_by, KERNELSPEC_TAG);
    assert.equal((await installUserKernelspec("/usr/bin/deno", data))?.action, "unchanged");
    // Ours with another binary: replaced.
    assert.equal((await installUserKernelspec("/opt/deno", data))?.action, "written");
    // One from `deno jupyter --install` whose binary exists: kept.
    const foreign = {
      argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    };
    await Deno.writeTextFile(file, JSON.stringify(foreign));
    assert.deepEqual(await installUserKernelspec("/usr/bin/deno", data), {
      file,
      deno: Deno.execPath(),
      action: "kept",
    });
    // A foreign one whose binary is gone (a cleaned npx cache): replaced.
    await Deno.writeTextFile(file, JSON.stringify({ argv: ["/gone/.npm/_npx/x/deno"] }));
    assert.equal((await installUserKernelspec("/usr/bin/deno", data))?.action, "written");
    assert.equal(await installUserKernelspec("/usr/bin/deno", undefined), undefined);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("lab: the server listens on 127.0.0.1 only, on the given port, with our token", () => {
  const args = serverArgs({
    lab: false,
    port: 9000,
    dir: "/r/notebooks",
    token: "t0k",
    root: true,
  });
  assert.deepEqual(args, [
    "--no-browser",
    "--NotebookApp.ip=127.0.0.1",
    "--NotebookApp.port=9000",
    "--NotebookApp.port_retries=0",
    "--NotebookApp.token=t0k",
    "--NotebookApp.notebook_dir=/r/notebooks",
    "--allow-root",
  ]);
  const lab = serverArgs({ lab: true, port: 9001, dir: "/d", token: "x", root: false });
  assert.ok(lab.includes("--ServerApp.ip=127.0.0.1") && lab.includes("--ServerApp.root_dir=/d"));
  assert.ok(!lab.includes("--allow-root"));
  assert.equal(serverUrl(9000, "t0k", false), "http://127.0.0.1:9000/tree?token=t0k");
  assert.equal(serverUrl(9001, "x", true), "http://127.0.0.1:9001/lab?token=x");
});
