/**
 * The layering of `lib/`: imports point one way, from higher layers to lower ones. The
 * check reads the module graph of every file under `lib/` with `deno info --json` (as the
 * Deno standard library's circular-dependency check does) and reports every import between
 * two `lib/` folders that goes against {@linkcode LAYERS} (a cycle is always one), and any
 * folder that is not placed in a layer. `deno task check` runs it.
 *
 * @module
 */

/**
 * The layers, lowest first; a folder may import only folders of lower layers (and the files
 * at the root of `lib/`: errors and validation). Folders in the same layer may not import
 * each other.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["rng"],
  ["book"],
  ["data"],
  ["market"],
  ["env"],
  ["agents"],
  ["analytics"],
  ["rl"],
  ["viz"],
  ["backtest"],
  ["calibration"],
  ["sweep"],
  ["dashboard"],
];

/** One import from folder `from` to folder `to`, with an example file pair. */
export interface LayerEdge {
  /** Importing folder under lib/. */
  from: string;
  /** Imported folder under lib/. */
  to: string;
  /** One importing file → imported file. */
  example: string;
}

/** The imports between lib/ folders, from `deno info --json` over every file in lib/. */
export async function libEdges(root = Deno.cwd()): Promise<LayerEdge[]> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile && p.endsWith(".ts")) files.push(p);
    }
  }
  await walk(`${root}/lib`);
  const entry = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      entry,
      files.sort().map((f) => `import ${JSON.stringify(`file://${f}`)};`).join("\n") + "\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: {
          specifier: string;
          code?: { specifier?: string };
          type?: { specifier?: string };
        }[];
      }[];
    };
    const prefix = `file://${root}/lib/`;
    const folder = (s: string | undefined) => {
      if (!s?.startsWith(prefix)) return undefined;
      const rest = s.slice(prefix.length);
      return rest.includes("/") ? rest.split("/")[0] : "";
    };
    const edges = new Map<string, LayerEdge>();
    for (const m of graph.modules) {
      const a = folder(m.specifier);
      if (!a) continue;
      for (const d of m.dependencies ?? []) {
        for (const target of [d.code?.specifier, d.type?.specifier]) {
          const b = folder(target);
          if (b && b !== a && !edges.has(`${a}>${b}`)) {
            edges.set(`${a}>${b}`, {
              from: a,
              to: b,
              example: `${m.specifier.slice(prefix.length)} → ${target!.slice(prefix.length)}`,
            });
          }
        }
      }
    }
    return [...edges.values()];
  } finally {
    await Deno.remove(entry);
  }
}

/**
 * The layering violations among `edges`: imports that point up or sideways, and folders
 * missing from {@linkcode LAYERS}. Empty when the layering holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerViolations } from "./layers.ts";
 * const bad = layerViolations([{ from: "market", to: "env", example: "a → b" }]);
 * assert.ok(bad.length === 1 && bad[0].includes("market → env"));
 * ```
 */
export function layerViolations(edges: readonly LayerEdge[]): string[] {
  const rank = new Map<string, number>();
  LAYERS.forEach((layer, i) => layer.forEach((f) => rank.set(f, i)));
  const out: string[] = [];
  for (const e of edges) {
    const a = rank.get(e.from), b = rank.get(e.to);
    if (a === undefined || b === undefined) {
      out.push(
        `lib/${a === undefined ? e.from : e.to}/ is not placed in a layer (scripts/layers.ts)`,
      );
    } else if (b >= a) {
      out.push(`${e.from} → ${e.to} points ${b > a ? "up" : "sideways"} (${e.example})`);
    }
  }
  return out.sort();
}

if (import.meta.main) {
  const bad = layerViolations(await libEdges());
  for (const line of bad) console.log(line);
  console.log(bad.length ? `${bad.length} layering violations` : "lib/ layering holds");
  Deno.exit(bad.length ? 1 : 0);
}
