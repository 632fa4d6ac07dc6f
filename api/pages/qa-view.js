// The QA desk's image view: a canvas that shows one photo slot's soft proof from the worker's Deep Zoom
// tiles (fit, 1:1 print pixels = one device pixel, and steps between), or a single image (the source
// photo, or the preview when a job has no tiles), with trim, safe-zone and fold lines drawn on top.
"use strict";

function makeViewer(canvas, onChange) {
  const ctx = canvas.getContext("2d");
  const cache = new Map(), loading = new Set();
  const v = {mode: "none", slot: null, job: null, image: null, W: 0, H: 0, scale: 1, cx: 0, cy: 0,
             overlay: true, shapes: [], fitScale: 1};
  let frame = 0;

  function dpr() { return window.devicePixelRatio || 1; }
  function resize() {
    const r = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(r.width * dpr()));
    canvas.height = Math.max(1, Math.round(r.height * dpr()));
    const wasFit = Math.abs(v.scale - v.fitScale) < 1e-9;
    v.fitScale = fitScale();
    if (wasFit) v.scale = v.fitScale;
    redraw();
  }
  function fitScale() {
    if (!v.W || !v.H) return 1;
    return Math.min(canvas.width / v.W, canvas.height / v.H) * 0.98;
  }
  function redraw() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); }); }

  function tileUrl(level, col, row) {
    return v.slot.links.tiles.replace("{level}", level).replace("{col}", col).replace("{row}", row);
  }
  function tile(level, col, row) {
    const id = `${v.job}/${v.slot.index}/${level}/${col}_${row}`;
    if (cache.has(id)) return cache.get(id);
    if (!loading.has(id)) {
      loading.add(id);
      const job = v.job;
      PL.api(tileUrl(level, col, row)).then(r => r.blob()).then(createImageBitmap).then(bmp => {
        if (cache.size > 400) cache.delete(cache.keys().next().value);
        cache.set(id, bmp);
        if (job === v.job) redraw();
      }).catch(() => {}).finally(() => loading.delete(id));
    }
    return null;
  }
  function drawLevel(level, x0, y0, x1, y1) {
    const maxL = v.slot.levels - 1, f = 2 ** (maxL - level), T = v.slot.tile_size;
    const cols = Math.ceil(Math.ceil(v.W / f) / T), rows = Math.ceil(Math.ceil(v.H / f) / T);
    const c0 = Math.max(0, Math.floor(x0 / (f * T))), c1 = Math.min(cols - 1, Math.floor(x1 / (f * T)));
    const r0 = Math.max(0, Math.floor(y0 / (f * T))), r1 = Math.min(rows - 1, Math.floor(y1 / (f * T)));
    let complete = true;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const bmp = tile(level, c, r);
        if (!bmp) { complete = false; continue; }
        const [sx, sy] = toScreen(c * T * f, r * T * f);
        ctx.drawImage(bmp, sx, sy, bmp.width * f * v.scale, bmp.height * f * v.scale);
      }
    }
    return complete;
  }
  function toScreen(x, y) {
    return [(x - v.cx) * v.scale + canvas.width / 2, (y - v.cy) * v.scale + canvas.height / 2];
  }
  function draw() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#5f6368";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (v.mode === "none") return;
    ctx.imageSmoothingEnabled = v.scale < 1;
    const hw = canvas.width / 2 / v.scale, hh = canvas.height / 2 / v.scale;
    const [x0, y0, x1, y1] = [v.cx - hw, v.cy - hh, v.cx + hw, v.cy + hh];
    const [ox, oy] = toScreen(0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(ox, oy, v.W * v.scale, v.H * v.scale);
    if (v.mode === "tiles") {
      const maxL = v.slot.levels - 1;
      const base = Math.min(maxL, Math.ceil(Math.log2(v.slot.tile_size)));
      const want = Math.max(0, Math.min(maxL, maxL + Math.ceil(Math.log2(v.scale) - 1e-9)));
      drawLevel(Math.min(base, want), x0, y0, x1, y1);
      if (want > base) drawLevel(want, x0, y0, x1, y1);
    } else if (v.image) {
      ctx.drawImage(v.image, ox, oy, v.W * v.scale, v.H * v.scale);
    }
    if (v.overlay) drawShapes();
    onChange && onChange(v);
  }
  const COLOURS = {trim: "#e8003d", safe: "#1a73e8", fold: "#d100d1"};
  function drawShapes() {
    ctx.lineWidth = Math.max(1, dpr());
    for (const s of v.shapes) {
      ctx.strokeStyle = COLOURS[s.kind];
      ctx.setLineDash(s.kind === "safe" ? [8 * dpr(), 5 * dpr()] : []);
      const [x, y] = toScreen(s.x, s.y);
      if (s.kind === "fold") { ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x, y + s.h * v.scale); ctx.stroke(); }
      else ctx.strokeRect(x, y, s.w * v.scale, s.h * v.scale);
    }
    ctx.setLineDash([]);
  }
  function clamp() {
    v.cx = Math.min(Math.max(v.cx, 0), v.W);
    v.cy = Math.min(Math.max(v.cy, 0), v.H);
  }
  function reset(W, H) {
    v.W = W; v.H = H; v.fitScale = fitScale(); v.scale = v.fitScale; v.cx = W / 2; v.cy = H / 2;
    redraw();
  }
  const api = {
    state: v,
    showTiles(jobId, slot, shapes) {
      v.mode = "tiles"; v.job = jobId; v.slot = slot; v.image = null; v.shapes = shapes;
      const keep = v.W === slot.width && v.H === slot.height && v.scale !== v.fitScale;
      if (keep) { redraw(); return; }
      reset(slot.width, slot.height);
    },
    showImage(jobId, bitmap, shapes) {
      v.mode = "image"; v.job = jobId; v.slot = null; v.image = bitmap; v.shapes = shapes || [];
      reset(bitmap.width, bitmap.height);
    },
    clear() { v.mode = "none"; v.image = null; v.shapes = []; redraw(); },
    fit() { v.scale = v.fitScale; v.cx = v.W / 2; v.cy = v.H / 2; redraw(); },
    isFit() { return Math.abs(v.scale - v.fitScale) < 1e-9; },
    oneToOne() { v.scale = 1; clamp(); redraw(); },
    toggleZoom() { if (api.isFit()) api.oneToOne(); else api.fit(); },
    zoomBy(f, at) {
      const next = Math.min(Math.max(v.scale * f, v.fitScale), 8);
      if (at) {  // keep the content point under the pointer still
        const [px, py] = at, bx = v.cx + (px - canvas.width / 2) / v.scale, by = v.cy + (py - canvas.height / 2) / v.scale;
        v.cx = bx - (px - canvas.width / 2) / next; v.cy = by - (py - canvas.height / 2) / next;
      }
      v.scale = next; clamp(); redraw();
    },
    pan(dx, dy) { v.cx += dx / v.scale; v.cy += dy / v.scale; clamp(); redraw(); },
    setOverlay(on) { v.overlay = on; redraw(); },
    zoomLabel() {
      if (api.isFit()) return PL.t("qa.fit", {pct: Math.round(v.scale * 100)});
      return v.scale === 1 ? "1:1" : `${Math.round(v.scale * 100)} %`;
    },
    resize,
  };
  let drag = null;
  canvas.addEventListener("pointerdown", e => { drag = [e.clientX, e.clientY]; canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointermove", e => {
    if (!drag) return;
    api.pan(-(e.clientX - drag[0]) * dpr(), -(e.clientY - drag[1]) * dpr());
    drag = [e.clientX, e.clientY];
  });
  canvas.addEventListener("pointerup", () => { drag = null; });
  canvas.addEventListener("wheel", e => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    api.zoomBy(e.deltaY < 0 ? 1.25 : 0.8, [(e.clientX - r.left) * dpr(), (e.clientY - r.top) * dpr()]);
  }, {passive: false});
  new ResizeObserver(resize).observe(canvas);
  return api;
}

// Trim, safe zone and folds of a slot in its raster's pixels (report boxes are mm from the page's
// MediaBox bottom-left; the raster covers the slot's placed box).
function proofShapes(slot) {
  const p = slot.placed_mm, t = slot.trim_mm, k = slot.width / p.width_mm;
  const x = (t.x_mm - p.x_mm) * k, y = (p.y_mm + p.height_mm - (t.y_mm + t.height_mm)) * k;
  return trimShapes(x, y, t.width_mm * k, t.height_mm * k, k, slot.safe_mm, slot.fold_x_mm, t.width_mm);
}

function trimShapes(x, y, w, h, k, safe, fold, trimW) {
  const shapes = [{kind: "trim", x, y, w, h}];
  const panels = fold ? [[0, fold], [fold, trimW - fold]] : [[0, trimW]];
  if (fold) shapes.push({kind: "fold", x: x + fold * k, y, w: 0, h});
  for (const [px, pw] of panels) {
    if (pw > 2 * safe && h > 2 * safe * k) {
      shapes.push({kind: "safe", x: x + (px + safe) * k, y: y + safe * k, w: (pw - 2 * safe) * k, h: h - 2 * safe * k});
    }
  }
  return shapes;
}

// The same lines on preview.jpg, from the report's preview_pages (trim rectangles in preview pixels).
function previewShapes(report, safe = 5) {
  const out = [];
  for (const where of report.preview_pages || []) {
    const page = (report.pages || []).find(p => p.name === where.page);
    const [x, y, w, h] = where.trim_px;
    const k = page ? w / page.trim.width_mm : 1;
    out.push(...trimShapes(x, y, w, h, k, safe, null, page ? page.trim.width_mm : w));
  }
  return out;
}
