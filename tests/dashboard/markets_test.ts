import assert from "node:assert/strict";
import {
  BUILTIN_MARKETS,
  defaultMarketId,
  listMarkets,
  presetMarkets,
} from "../../lib/dashboard/markets.ts";
import { DEFAULT_MARKET } from "../../lib/env/markets.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("dashboard markets: the sidebar starts on the tools' default market, labelled so", async () => {
  const markets = await listMarkets(ROOT);
  assert.equal(defaultMarketId(markets), DEFAULT_MARKET);
  const presets = await presetMarkets(ROOT);
  const labelled = presets.filter((m) => m.label.endsWith("(default)")).map((m) => m.id);
  assert.deepEqual(labelled, [DEFAULT_MARKET]);
  // each shipped preset carries its realism verdict, shown with the comparisons run in it
  for (const p of presets) {
    assert.match(p.realism?.[0] ?? "", new RegExp(`^realism: ${p.id} passes`));
  }
  // the built-in order-book market is no longer called the default
  assert.ok(!BUILTIN_MARKETS.some((m) => m.label.includes("default")));
});

Deno.test("dashboard markets: without the default preset (or when it cannot run) the order-book simulator", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data/presets`, { recursive: true });
    assert.equal(
      defaultMarketId(await listMarkets(dir, [() => [...BUILTIN_MARKETS], presetMarkets])),
      "book",
    );
    // a default preset that fails validation is listed disabled, and not chosen
    await Deno.writeTextFile(`${dir}/data/presets/${DEFAULT_MARKET}.json`, '{"name": 3}');
    const listed = await listMarkets(dir, [() => [...BUILTIN_MARKETS], presetMarkets]);
    assert.equal(listed.find((m) => m.id === DEFAULT_MARKET)?.available, false);
    assert.equal(defaultMarketId(listed), "book");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
