/**
 * `nn.*`: one Adam step (forward, mean-squared-error loss, backward, Adam) of the default
 * 9-64-64-5 MLP (tanh hidden layers) at batch 64 and 2,048, measured in one interleaved run
 * for three implementations:
 *
 * - ALPE's generated WebAssembly SIMD kernels (lib/rl/nn), on one thread and on two;
 * - TensorFlow.js 4.22 on its wasm backend (SIMD, no threads) with ALPE's custom dense and tanh
 *   gradients (its fastest path, the one training used before);
 * - PyTorch on one thread (`torch.set_num_threads(1)`), in a Python subprocess driven over
 *   stdin, when a `python3` that imports torch is found (Debian: `apt-get install
 *   python3-torch`; its BLAS is the system's `libblas.so.3`, reported on stderr).
 *
 * Each round times a burst of steps of every implementation in turn (after a warm-up long
 * enough for V8 to tier the kernels up); the figures are medians over rounds, and the ratios
 * (`nn.ratio_torch.*`, `nn.ratio_tfjs.*`: ALPE on one thread over the peer) come from the same
 * rounds.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { initBackend } from "../../lib/rl/backend.ts";
import { Adam } from "../../lib/rl/nn/adam.ts";
import { NnEngine } from "../../lib/rl/nn/engine.ts";
import { chunkCount, makePlan } from "../../lib/rl/nn/plan.ts";
import { MSE_ARGS } from "../../lib/rl/nn/tasks.ts";
import { dense, fastTanh } from "../../lib/rl/tf_ops.ts";
import { type BenchCase, median } from "./_types.ts";

const SIZES = [9, 64, 64, 5];
const BATCHES = [64, 2048] as const;
const ROUNDS = 9;
/** Target seconds per timed burst. */
const BURST_S = 0.25;
/** Warm-up seconds per implementation and batch. */
const WARMUP_S = 1.5;

type Impl = { name: string; step: () => void; dispose: () => void };

function data(b: number): { x: Float32Array; y: Float32Array } {
  let s = 12345;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return {
    x: Float32Array.from({ length: b * SIZES[0] }, r),
    y: Float32Array.from({ length: b * SIZES[3] }, r),
  };
}

async function alpe(b: number, threads: number): Promise<Impl> {
  const plan = makePlan("mse", [SIZES], 0, { x: SIZES[0], y: SIZES[3] }, b, threads, 1);
  const e = await NnEngine.create(plan);
  const { x, y } = data(b);
  e.f32.set(x, plan.batch.x[0] / 4);
  e.f32.set(y, plan.batch.y[0] / 4);
  let s = 7;
  const layout = e.ctx.layouts[0];
  layout.layers.forEach((l, i) => {
    const w = Float32Array.from(
      { length: l.shape.inSize * l.shape.outSize },
      () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) / 4,
    );
    layout.write(e.f32, plan.params / 4, i, w, new Float32Array(l.shape.outSize));
  });
  e.f64[plan.args / 8 + MSE_ARGS.ROWS] = b;
  e.f64[plan.args / 8 + MSE_ARGS.CHUNKS] = chunkCount(b);
  e.transpose();
  const adam = new Adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  return {
    name: threads === 1 ? "alpe" : `alpe_${threads}threads`,
    step: () => {
      e.gradient(b);
      adam.step(e, 1e-3);
      e.transpose();
    },
    dispose: () => e.dispose(),
  };
}

async function tfjs(b: number): Promise<Impl> {
  await initBackend();
  const { x, y } = data(b);
  const xt = tf.tensor2d(x, [b, SIZES[0]]), yt = tf.tensor2d(y, [b, SIZES[3]]);
  const vars: tf.Variable[] = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    vars.push(tf.variable(tf.randomUniform([SIZES[l], SIZES[l + 1]], -0.125, 0.125, "float32", 7)));
    vars.push(tf.variable(tf.zeros([SIZES[l + 1]])));
  }
  const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const f = () => {
    let h: tf.Tensor2D = xt;
    for (let l = 0; l < vars.length / 2; l++) {
      h = dense(
        h,
        vars[2 * l] as tf.Variable<tf.Rank.R2>,
        vars[2 * l + 1] as tf.Variable<tf.Rank.R1>,
      );
      if (2 * l + 2 < vars.length) h = fastTanh(h);
    }
    return tf.mean(tf.square(tf.sub(h, yt))) as tf.Scalar;
  };
  return {
    name: "tfjs",
    step: () => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(f, vars);
        opt.applyGradients(grads as Record<string, tf.Variable>);
      });
    },
    dispose: () => {
      opt.dispose();
      tf.dispose([xt, yt, ...vars]);
    },
  };
}

const TORCH = `
import sys, time, torch
torch.set_num_threads(1)
torch.manual_seed(0)
nets = {}
def make(b):
    net = torch.nn.Sequential(torch.nn.Linear(9, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
                              torch.nn.Tanh(), torch.nn.Linear(64, 5))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-8)
    x, y = torch.randn(b, 9), torch.randn(b, 5)
    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()
    return step
print("ready", torch.__version__, flush=True)
for line in sys.stdin:
    b, n = map(int, line.split())
    step = nets.setdefault(b, make(b))
    t = time.perf_counter()
    for _ in range(n):
        step()
    print(time.perf_counter() - t, flush=True)
`;

/** PyTorch driven over stdin; undefined when no python3 with torch is found. */
async function torch(): Promise<
  | { run: (b: number, n: number) => Promise<number>; version: string; close: () => Promise<void> }
  | undefined
> {
  for (const py of ["/usr/bin/python3", "python3"]) {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(py, {
        args: ["-c", TORCH],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
        env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
      }).spawn();
    } catch {
      continue;
    }
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    const next = async (): Promise<string | undefined> => {
      for (;;) {
        const i = buf.indexOf("\n");
        if (i >= 0) {
          const l = buf.slice(0, i);
          buf = buf.slice(i + 1);
          return l;
        }
        const r = await lines.read();
        if (r.done) return undefined;
        buf += r.value;
      }
    };
    const first = await next();
    if (!first?.startsWith("ready")) {
      await child.status;
      continue;
    }
    const w = child.stdin.getWriter();
    const enc = new TextEncoder();
    return {
      version: first.split(" ")[1],
      run: async (b, n) => {
        await w.write(enc.encode(`${b} ${n}\n`));
        return Number(await next());
      },
      close: async () => {
        await w.close();
        await child.status;
      },
    };
  }
  return undefined;
}

async function blasName(): Promise<string> {
  try {
    return await Deno.realPath("/usr/lib/x86_64-linux-gnu/libblas.so.3");
  } catch {
    return "unknown";
  }
}

/** Seconds taken by `n` steps. */
function burst(step: () => void, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) step();
  return (performance.now() - t0) / 1000;
}

let results: Promise<Map<string, number>> | undefined;

/** Runs the whole interleaved measurement once; every case reads its figure from it. */
function measure(): Promise<Map<string, number>> {
  results ??= (async () => {
    const out = new Map<string, number>();
    const py = await torch();
    if (py) console.error(`nn: PyTorch ${py.version} on one thread, BLAS ${await blasName()}`);
    else console.error("nn: no python3 with torch found; PyTorch figures skipped");
    for (const b of BATCHES) {
      const impls = [await alpe(b, 1), await tfjs(b)];
      if (chunkCount(b) > 1) impls.splice(1, 0, await alpe(b, 2));
      const counts = new Map<string, number>();
      // Warm-up (V8 tiers the kernels up) and burst sizing.
      for (const im of impls) {
        const t0 = performance.now();
        while (performance.now() - t0 < WARMUP_S * 1000) burst(im.step, 8);
        counts.set(im.name, Math.max(2, Math.round((BURST_S * 20) / burst(im.step, 20))));
      }
      let torchN = 0;
      if (py) {
        let secs = 0;
        while (secs < WARMUP_S) secs += await py.run(b, 8);
        torchN = Math.max(2, Math.round((BURST_S * 20) / await py.run(b, 20)));
      }
      const rates = new Map<string, number[]>();
      const push = (k: string, v: number) => rates.set(k, [...(rates.get(k) ?? []), v]);
      for (let r = 0; r < ROUNDS; r++) {
        for (const im of impls) {
          const n = counts.get(im.name)!;
          push(im.name, n / burst(im.step, n));
        }
        if (py) push("torch", torchN / await py.run(b, torchN));
      }
      for (const [k, v] of rates) out.set(`${k}.b${b}`, median(v));
      const ours = rates.get("alpe")!;
      for (const peer of ["torch", "tfjs"]) {
        const theirs = rates.get(peer);
        if (theirs) out.set(`ratio_${peer}.b${b}`, median(ours.map((o, i) => o / theirs[i])));
      }
      for (const im of impls) im.dispose();
    }
    await py?.close();
    return out;
  })();
  return results;
}

function nnCase(key: string, name: string, unit: string, target?: string): BenchCase {
  return {
    name,
    unit,
    target,
    async run() {
      const v = (await measure()).get(key);
      return v ?? NaN;
    },
  };
}

/** The neural-network benchmark cases (one interleaved measurement). */
export const cases: BenchCase[] = [
  nnCase("alpe.b64", "nn.adam_step_per_s.b64", "steps/s", ">= PyTorch (1 thread)"),
  nnCase("alpe.b2048", "nn.adam_step_per_s.b2048", "steps/s", ">= PyTorch (1 thread)"),
  nnCase("alpe_2threads.b2048", "nn.adam_step_per_s.b2048_2threads", "steps/s"),
  nnCase("torch.b64", "nn.torch.adam_step_per_s.b64", "steps/s", "peer"),
  nnCase("torch.b2048", "nn.torch.adam_step_per_s.b2048", "steps/s", "peer"),
  nnCase("tfjs.b64", "nn.tfjs.adam_step_per_s.b64", "steps/s", "before"),
  nnCase("tfjs.b2048", "nn.tfjs.adam_step_per_s.b2048", "steps/s", "before"),
  nnCase("ratio_torch.b64", "nn.ratio_torch.b64", "×", ">= 1"),
  nnCase("ratio_torch.b2048", "nn.ratio_torch.b2048", "×", ">= 1"),
  nnCase("ratio_tfjs.b64", "nn.ratio_tfjs.b64", "×"),
  nnCase("ratio_tfjs.b2048", "nn.ratio_tfjs.b2048", "×"),
];
