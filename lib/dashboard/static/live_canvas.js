// Fast canvas drawing of the live charts while the market runs. A Plotly redraw of the
// live figure cost 30–200 ms per update on our loaded 2-core machine (measured: see
// docs/dashboard.md), too slow for 10+ updates a second; these renderers draw the same
// figure (trace names, colours, panels and axis titles are read from the Plotly figure
// the server built with lib/viz) in a few milliseconds. When the market pauses or ends,
// the page switches back to the interactive Plotly figure with the same data.
"use strict";

(() => {
  const FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";

  function niceTicks(lo, hi, target) {
    if (!(hi > lo)) {
      const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.01 : 1;
      lo -= pad;
      hi += pad;
    }
    const raw = (hi - lo) / Math.max(1, target);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
    return { lo, hi, step, ticks: out };
  }

  function label(v, step) {
    const d = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
    return v.toFixed(d);
  }

  function traceColor(t) {
    return (t.line && t.line.color) || (t.marker && t.marker.color) || "#333";
  }

  function setup(canvas) {
    const dpr = globalThis.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = FONT;
    return { ctx, w, h };
  }

  // Draws legend items from (x0, y), wrapping at `right`; returns the y below the legend.
  function legend(ctx, items, x0, y, right) {
    let x = x0;
    for (const it of items) {
      const wItem = 28 + ctx.measureText(it.name).width;
      if (x > x0 && x + wItem > right) {
        x = x0;
        y += 16;
      }
      ctx.fillStyle = it.color;
      if (it.marker) {
        ctx.beginPath();
        ctx.moveTo(x + 6, y - 5);
        ctx.lineTo(x + 11, y + 4);
        ctx.lineTo(x + 1, y + 4);
        ctx.closePath();
        ctx.fill();
      } else ctx.fillRect(x, y - 1, 14, 3);
      ctx.fillStyle = "#333";
      ctx.fillText(it.name, x + 18, y + 4);
      x += wItem + 6;
    }
    return y + 14;
  }

  /**
   * The live episode figure on a canvas: traces on stacked y axes sharing x, as laid out
   * by the Plotly figure `fig` (lines, step lines, filled areas, triangle markers).
   */
  class EpisodeCanvas {
    constructor(canvas, fig) {
      this.canvas = canvas;
      this.fig = fig;
      const L = fig.layout;
      this.xMax = (L.xaxis && L.xaxis.range && L.xaxis.range[1]) || 1;
      this.panels = ["yaxis", "yaxis2", "yaxis3"].filter((k) => L[k]).map((k) => ({
        key: k === "yaxis" ? "y" : "y" + k.slice(5),
        domain: L[k].domain || [0, 1],
        title: (L[k].title && L[k].title.text) || "",
      }));
    }

    /** Draws; `xy(i)` returns the [x, y] arrays of trace i. */
    draw(xy) {
      const { ctx, w, h } = setup(this.canvas);
      const traces = this.fig.data;
      const m = { l: 70, r: 16, t: 30, b: 38 };
      m.t = legend(
        ctx,
        traces.map((t) => ({ name: t.name, color: traceColor(t), marker: t.mode === "markers" })),
        m.l,
        14,
        w - m.r,
      ) + 4;
      const pw = w - m.l - m.r, ph = h - m.t - m.b;
      const xs = (t) => m.l + (t / this.xMax) * pw;
      for (const p of this.panels) {
        const top = m.t + (1 - p.domain[1]) * ph, bottom = m.t + (1 - p.domain[0]) * ph;
        const mine = traces.map((t, i) => [t, i]).filter(([t]) => (t.yaxis || "y") === p.key);
        let lo = Infinity, hi = -Infinity;
        for (const [t, i] of mine) {
          const ys = xy(i)[1];
          for (const v of ys) {
            if (v !== null && Number.isFinite(v)) {
              if (v < lo) lo = v;
              if (v > hi) hi = v;
            }
          }
          if (t.fill === "tozeroy") {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
          }
        }
        if (!Number.isFinite(lo)) {
          lo = -1;
          hi = 1;
        }
        const tk = niceTicks(lo, hi, Math.max(2, Math.floor((bottom - top) / 40)));
        const pad = (tk.hi - tk.lo) * 0.05;
        const y0 = tk.lo - pad, y1 = tk.hi + pad;
        const ys = (v) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
        // grid and y labels
        ctx.strokeStyle = "#e5e5e5";
        ctx.fillStyle = "#555";
        ctx.lineWidth = 1;
        ctx.textAlign = "right";
        for (const v of tk.ticks) {
          const y = Math.round(ys(v)) + 0.5;
          if (y < top - 1 || y > bottom + 1) continue;
          ctx.beginPath();
          ctx.moveTo(m.l, y);
          ctx.lineTo(m.l + pw, y);
          ctx.stroke();
          ctx.fillText(label(v, tk.step), m.l - 6, y + 4);
        }
        ctx.save();
        ctx.translate(14, (top + bottom) / 2);
        ctx.rotate(-Math.PI / 2);
        ctx.textAlign = "center";
        ctx.fillText(p.title, 0, 0);
        ctx.restore();
        ctx.save();
        ctx.beginPath();
        ctx.rect(m.l, top, pw, bottom - top);
        ctx.clip();
        for (const [t, i] of mine) {
          const [tx, ty] = xy(i);
          const color = traceColor(t);
          if (t.mode === "markers") {
            const up = t.marker && t.marker.symbol === "triangle-up";
            ctx.fillStyle = color;
            ctx.strokeStyle = "#222";
            for (let k = 0; k < tx.length; k++) {
              if (ty[k] === null || !Number.isFinite(ty[k])) continue;
              const x = xs(tx[k]), y = ys(ty[k]);
              ctx.beginPath();
              if (up) {
                ctx.moveTo(x, y - 5);
                ctx.lineTo(x + 5, y + 4);
                ctx.lineTo(x - 5, y + 4);
              } else {
                ctx.moveTo(x, y + 5);
                ctx.lineTo(x + 5, y - 4);
                ctx.lineTo(x - 5, y - 4);
              }
              ctx.closePath();
              ctx.fill();
              ctx.stroke();
            }
            continue;
          }
          const step = t.line && t.line.shape === "hv";
          ctx.beginPath();
          let pen = false, lastY = 0, first = -1, lastX = 0;
          for (let k = 0; k < tx.length; k++) {
            const v = ty[k];
            if (v === null || !Number.isFinite(v)) {
              pen = false;
              continue;
            }
            const x = xs(tx[k]), y = ys(v);
            if (!pen) {
              ctx.moveTo(x, y);
              pen = true;
              if (first < 0) first = x;
            } else if (step) {
              ctx.lineTo(x, lastY);
              ctx.lineTo(x, y);
            } else ctx.lineTo(x, y);
            lastY = y;
            lastX = x;
          }
          ctx.strokeStyle = color;
          ctx.lineWidth = (t.line && t.line.width) || 1.5;
          ctx.stroke();
          if (t.fill === "tozeroy" && first >= 0) {
            ctx.lineTo(lastX, ys(0));
            ctx.lineTo(first, ys(0));
            ctx.closePath();
            ctx.globalAlpha = 0.25;
            ctx.fillStyle = t.fillcolor || color;
            ctx.fill();
            ctx.globalAlpha = 1;
          }
        }
        ctx.restore();
        ctx.strokeStyle = "#bbb";
        ctx.strokeRect(m.l + 0.5, top + 0.5, pw, bottom - top);
      }
      // x axis
      const xt = niceTicks(0, this.xMax, Math.floor(pw / 90));
      ctx.fillStyle = "#555";
      ctx.textAlign = "center";
      for (const v of xt.ticks) {
        if (v > this.xMax + 1e-9) continue;
        ctx.fillText(label(v, xt.step), xs(v), h - m.b + 16);
      }
      ctx.fillText("time (s)", m.l + pw / 2, h - 6);
      ctx.textAlign = "left";
    }
  }

  /** The depth ladder on a canvas (bids left, asks right, our quotes as diamonds). */
  class LadderCanvas {
    constructor(canvas, fig) {
      this.canvas = canvas;
      this.bidColor = fig.data[0].marker.color;
      this.askColor = fig.data[1].marker.color;
    }

    draw(l) {
      const { ctx, w, h } = setup(this.canvas);
      const m = { l: 64, r: 16, t: 30, b: 38 };
      const pw = w - m.l - m.r, ph = h - m.t - m.b;
      legend(
        ctx,
        [
          { name: "bids (lots)", color: this.bidColor },
          { name: "asks (lots)", color: this.askColor },
        ],
        m.l,
        14,
      );
      if (!l) return;
      const levels = [
        ...l.asks.map((a) => ({ ...a, ask: true })),
        ...l.bids.map((b) => ({ ...b, ask: false })),
      ];
      if (levels.length === 0) return;
      levels.sort((a, b) => b.price - a.price);
      const maxLots = Math.max(1, ...levels.map((v) => v.lots));
      const row = ph / levels.length;
      const cx = m.l + pw / 2;
      const half = (pw / 2) * 0.85;
      ctx.textAlign = "right";
      const prices = levels.map((v) => v.price);
      const minStep = Math.min(
        ...prices.slice(1).map((p, i) => Math.abs(prices[i] - p)).filter((d) => d > 0),
        1,
      );
      const dec = Math.max(2, Math.min(6, -Math.floor(Math.log10(minStep) + 1e-9)));
      levels.forEach((v, k) => {
        const y = m.t + k * row;
        const len = (v.lots / maxLots) * half;
        ctx.fillStyle = v.ask ? this.askColor : this.bidColor;
        ctx.fillRect(v.ask ? cx : cx - len, y + row * 0.1, len, row * 0.8);
        ctx.fillStyle = "#555";
        ctx.fillText(v.price.toFixed(dec), m.l - 6, y + row / 2 + 4);
        const ours = (v.ask && l.ourAsk !== null && Math.abs(l.ourAsk - v.price) < 1e-9) ||
          (!v.ask && l.ourBid !== null && Math.abs(l.ourBid - v.price) < 1e-9);
        if (ours) {
          const dx = v.ask ? cx + half + 8 : cx - half - 8;
          ctx.fillStyle = "#111";
          ctx.beginPath();
          ctx.moveTo(dx, y + row / 2 - 5);
          ctx.lineTo(dx + 5, y + row / 2);
          ctx.lineTo(dx, y + row / 2 + 5);
          ctx.lineTo(dx - 5, y + row / 2);
          ctx.closePath();
          ctx.fill();
        }
      });
      ctx.strokeStyle = "#999";
      ctx.beginPath();
      ctx.moveTo(cx + 0.5, m.t);
      ctx.lineTo(cx + 0.5, m.t + ph);
      ctx.stroke();
      ctx.textAlign = "center";
      ctx.fillStyle = "#555";
      ctx.fillText("lots (bids ←  → asks)", cx, h - 6);
      ctx.textAlign = "left";
    }
  }

  globalThis.AlpeLiveCanvas = { EpisodeCanvas, LadderCanvas };
})();
