// The QA desk: one job at a time, large; keyboard first. A decision waits a few seconds (undo) before
// it is sent; leaving the page sends what waits.
"use strict";

PL.words({
  en: {"qa.title": "Printline QA desk", "nav.production": "Production", "qa.approve": "Approve", "qa.reject": "Reject…",
       "qa.zoom": "1:1", "qa.source": "Original", "qa.overlay": "Trim / safe", "qa.keys": "Keyboard",
       "qa.k.nav": "next / previous job", "qa.k.approve": "approve", "qa.k.reject": "reject with a reason",
       "qa.k.undo": "undo", "qa.k.zoom": "fit ↔ 1:1 print pixels", "qa.k.zoompm": "zoom",
       "qa.k.pan": "arrows when zoomed: pan", "qa.k.source": "original photo ↔ soft proof",
       "qa.k.overlay": "overlays", "qa.k.slot": "photo slot", "qa.rej.title": "Why is it rejected?",
       "qa.rej.hint": "The shop sees the reason. Choose one (1–6), add details if needed, Enter to reject.",
       "qa.rej.details": "Details", "qa.rej.ok": "Reject", "qa.rej.need": "Choose a reason, or describe it.",
       "qa.undo": "Undo", "qa.counts": "{pending} waiting for QA · {decided} decided here",
       "qa.empty": "Nothing waits for QA.", "qa.fit": "fit ({pct} %)", "qa.proof": "soft proof",
       "qa.orig": "original photo", "qa.preview": "preview (no zoom tiles)",
       "qa.approved": "Approved {ref}", "qa.rejected": "Rejected {ref}", "qa.sent": "{what} — saved",
       "qa.undone": "Undone: {ref} is back in the queue", "qa.failed": "{ref}: not saved — {detail}",
       "qa.slot": "Photo {slot} · page {page}", "qa.ppi": "{ppi} ppi at print size · scaled ×{scale}",
       "qa.nofind": "no findings", "qa.file": "Print file (PDF preflight)", "qa.qty": "×{n}",
       "r.cut": "Subject or face cut off", "r.blur": "Blurry or too low resolution", "r.orient": "Wrong orientation or crop",
       "r.colour": "Colour or exposure problem", "r.content": "Content not printable (rights, policy)", "r.other": "Other (describe)"},
  de: {"qa.title": "Printline QA-Platz", "nav.production": "Produktion", "qa.approve": "Freigeben", "qa.reject": "Ablehnen…",
       "qa.zoom": "1:1", "qa.source": "Original", "qa.overlay": "Schnitt / Sicher", "qa.keys": "Tastatur",
       "qa.k.nav": "nächster / vorheriger Auftrag", "qa.k.approve": "freigeben", "qa.k.reject": "mit Grund ablehnen",
       "qa.k.undo": "rückgängig", "qa.k.zoom": "ganz ↔ 1:1 Druckpixel", "qa.k.zoompm": "zoomen",
       "qa.k.pan": "Pfeile beim Zoomen: verschieben", "qa.k.source": "Originalfoto ↔ Softproof",
       "qa.k.overlay": "Hilfslinien", "qa.k.slot": "Bildfeld", "qa.rej.title": "Warum wird abgelehnt?",
       "qa.rej.hint": "Der Shop sieht den Grund. Einen wählen (1–6), bei Bedarf ergänzen, Enter lehnt ab.",
       "qa.rej.details": "Details", "qa.rej.ok": "Ablehnen", "qa.rej.need": "Bitte einen Grund wählen oder beschreiben.",
       "qa.undo": "Rückgängig", "qa.counts": "{pending} warten auf QA · {decided} hier entschieden",
       "qa.empty": "Nichts wartet auf QA.", "qa.fit": "ganz ({pct} %)", "qa.proof": "Softproof",
       "qa.orig": "Originalfoto", "qa.preview": "Vorschau (keine Zoom-Kacheln)",
       "qa.approved": "{ref} freigegeben", "qa.rejected": "{ref} abgelehnt", "qa.sent": "{what} — gespeichert",
       "qa.undone": "Rückgängig: {ref} ist wieder in der Liste", "qa.failed": "{ref}: nicht gespeichert — {detail}",
       "qa.slot": "Foto {slot} · Seite {page}", "qa.ppi": "{ppi} ppi im Druck · skaliert ×{scale}",
       "qa.nofind": "keine Befunde", "qa.file": "Druckdatei (PDF-Preflight)", "qa.qty": "×{n}",
       "r.cut": "Motiv oder Gesicht abgeschnitten", "r.blur": "Unscharf oder zu geringe Auflösung", "r.orient": "Falsche Ausrichtung oder Ausschnitt",
       "r.colour": "Farb- oder Belichtungsproblem", "r.content": "Inhalt nicht druckbar (Rechte, Richtlinien)", "r.other": "Anderer Grund (beschreiben)"},
});
const REASONS = ["r.cut", "r.blur", "r.orient", "r.colour", "r.content", "r.other"];
// The reason goes to the shop in English (its backend translates codes and texts for the customer).
const REASON_EN = {"r.cut": "Subject or face cut off", "r.blur": "Blurry or too low resolution",
  "r.orient": "Wrong orientation or crop", "r.colour": "Colour or exposure problem",
  "r.content": "Content not printable (rights, policy)", "r.other": "Other"};
const UNDO_MS = Number(new URLSearchParams(location.search).get("undo_ms")) || 5000;

const $ = id => document.getElementById(id);
const Q = {jobs: [], index: 0, job: null, proof: null, slot: 0, source: false, decided: 0, pending: null, token: 0};
const viewer = makeViewer($("view"), () => { $("mode").textContent = modeLabel(); });

function modeLabel() {
  const what = Q.source ? PL.t("qa.orig") : (Q.proof ? PL.t("qa.proof") : PL.t("qa.preview"));
  return `${what} · ${viewer.zoomLabel()}`;
}
function counts() { $("counts").textContent = PL.t("qa.counts", {pending: Q.jobs.length, decided: Q.decided}); }

async function loadQueue(keepId) {
  const jobs = await PL.listStates(["qa_pending", "rendered"]);
  const waiting = Q.pending ? Q.pending.job.id : null;
  Q.jobs = jobs.filter(j => j.id !== waiting).sort((a, b) => a.updated_at.localeCompare(b.updated_at));
  const at = Q.jobs.findIndex(j => j.id === keepId);
  Q.index = at >= 0 ? at : Math.min(Q.index, Math.max(0, Q.jobs.length - 1));
  renderQueue();
  const now = Q.jobs[Q.index];
  if (!now || !Q.job || now.id !== Q.job.id) await show();  // a refresh keeps the zoom on the same job
}
function renderQueue() {
  counts();
  const nav = $("queue"); nav.textContent = "";
  Q.jobs.forEach((job, i) => {
    const b = PL.el("button", {type: "button", class: i === Q.index ? "current" : "", tabIndex: -1,
                               onclick: () => { Q.index = i; renderQueue(); show(); }},
                    PL.el("span", {class: `badge ${job.verdict || ""}`, text: job.verdict || "–"}),
                    PL.el("span", {text: ` ${job.order_ref} · ${job.product}`}));
    if (i === Q.index) b.setAttribute("aria-current", "true");
    nav.append(b);
  });
  const current = nav.querySelector(".current");
  if (current) current.scrollIntoView({block: "nearest", inline: "nearest"});
}

async function show() {
  const token = ++Q.token;
  const job = Q.jobs[Q.index];
  $("findings").textContent = ""; $("job-head").textContent = "";
  ["b-approve", "b-reject"].forEach(id => { $(id).disabled = !job; });
  if (!job) { Q.job = null; viewer.clear(); $("stage-msg").textContent = PL.t("qa.empty"); return; }
  $("stage-msg").textContent = PL.t("loading");
  const [full, proof] = await Promise.all([
    PL.api(job.links.self).then(r => r.json()),
    PL.api(`/v1/jobs/${job.id}/proof`).then(r => r.json()).catch(() => null)]);
  if (token !== Q.token) return;
  Q.job = full; Q.proof = proof && proof.slots && proof.slots.length ? proof : null;
  Q.slot = Math.min(Q.slot, Q.proof ? Q.proof.slots.length - 1 : 0);
  if (Q.jobs[Q.index] && Q.jobs[Q.index].id !== job.id) Q.slot = 0;
  Q.source = false;
  renderSide();
  await showImage(token);
}
async function bitmap(url) { return createImageBitmap(await (await PL.api(url)).blob()); }
async function showImage(token = Q.token) {
  const job = Q.job, report = job.report || {};
  $("stage-msg").textContent = "";
  $("b-source").setAttribute("aria-pressed", String(Q.source));
  try {
    if (Q.source) {
      const slot = Q.proof && Q.proof.slots[Q.slot];
      if (!slot || !slot.links.source) { Q.source = false; return showImage(token); }
      const bmp = await bitmap(slot.links.source);
      if (token === Q.token) viewer.showImage(job.id, bmp, []);
    } else if (Q.proof) {
      viewer.showTiles(job.id, Q.proof.slots[Q.slot], proofShapes(Q.proof.slots[Q.slot]));
    } else if (job.links.preview) {
      const bmp = await bitmap(job.links.preview);
      if (token === Q.token) viewer.showImage(job.id, bmp, previewShapes(report));
    }
  } catch (e) { $("stage-msg").textContent = PL.t("error", {detail: e.message}); }
  $("mode").textContent = modeLabel();
}

function findingList(findings) {
  if (!findings || !findings.length) return PL.el("p", {class: "ok", text: PL.t("qa.nofind")});
  return PL.el("ul", {class: "finds"}, ...findings.map(f => PL.el("li", {},
    PL.el("span", {class: `badge ${f.severity}`, text: f.severity}), " ",
    PL.el("strong", {text: f.code}), " ",
    PL.el("span", {class: "measure", text: f.measured !== null && f.measured !== undefined ? `${f.measured} / ${f.threshold ?? "–"}` : ""}),
    PL.el("div", {text: f.message ? (f.message[PL.lang] || f.message.en) : ""}))));
}
function renderSide() {
  const job = Q.job, report = job.report || {};
  $("job-head").append(
    PL.el("h2", {text: `${job.order_ref} · ${job.product}`}),
    PL.el("p", {}, PL.el("span", {class: `badge ${job.verdict || ""}`, text: job.verdict || "–"}),
          ` ${PL.t("qa.qty", {n: job.quantity})} · r${job.version} · ${PL.age(job.updated_at)} · ${job.customer_name || ""} ${job.country || ""}`));
  (report.slots || []).forEach((slot, n) => {
    const sec = PL.el("section", {class: n === Q.slot ? "slot current" : "slot", onclick: () => selectSlot(n)},
      PL.el("h3", {text: PL.t("qa.slot", {slot: slot.slot, page: slot.page})}),
      PL.el("p", {class: "measure", text: PL.t("qa.ppi", {ppi: Math.round(slot.effective_ppi || slot.raster_ppi || 0),
                                                         scale: (slot.scale_factor || 1).toFixed(2)})}),
      findingList((slot.render || {}).findings));
    $("findings").append(sec);
  });
  $("findings").append(PL.el("section", {class: "slot"}, PL.el("h3", {text: PL.t("qa.file")}),
                                findingList((report.preflight || {}).findings)));
}
function selectSlot(n) {
  const count = Q.proof ? Q.proof.slots.length : 1;
  Q.slot = (n + count) % count;
  document.querySelectorAll("#findings .slot").forEach((s, i) => s.classList.toggle("current", i === Q.slot));
  showImage();
}

// ---- decisions, with undo
function toast(text, undo) {
  $("toast-text").textContent = text;
  $("toast-undo").hidden = !undo;
  $("toast").hidden = false;
  clearTimeout(toast.timer);
  if (!undo) toast.timer = setTimeout(() => { $("toast").hidden = true; }, 4000);
}
function decide(action, reason) {
  const job = Q.jobs[Q.index];
  if (!job) return;
  flush();
  const what = PL.t(action === "approve" ? "qa.approved" : "qa.rejected", {ref: job.order_ref});
  Q.pending = {job, action, reason, what, index: Q.index, timer: setTimeout(() => send(), UNDO_MS)};
  Q.jobs.splice(Q.index, 1);
  Q.index = Math.min(Q.index, Math.max(0, Q.jobs.length - 1));
  toast(what, true);
  renderQueue(); show(); focusStage();
}
function undo() {
  const p = Q.pending;
  if (!p) return;
  clearTimeout(p.timer); Q.pending = null;
  Q.jobs.splice(Math.min(p.index, Q.jobs.length), 0, p.job);
  Q.index = Math.min(p.index, Q.jobs.length - 1);
  toast(PL.t("qa.undone", {ref: p.job.order_ref}), false);
  renderQueue(); show(); focusStage();
}
function flush(keepalive = false) { if (Q.pending) { clearTimeout(Q.pending.timer); send(keepalive); } }
async function send(keepalive = false) {
  const p = Q.pending;
  if (!p) return;
  Q.pending = null;
  const body = p.reason ? {reason: p.reason} : {};
  try {
    await PL.api(`/v1/jobs/${p.job.id}/${p.action}`, {method: "POST", keepalive,
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    Q.decided += 1; counts();
    toast(PL.t("qa.sent", {what: p.what}), false);
  } catch (e) {
    toast(PL.t("qa.failed", {ref: p.job.order_ref, detail: e.detail || e.message}), false);
    loadQueue(Q.jobs[Q.index] && Q.jobs[Q.index].id);
  }
}
window.addEventListener("pagehide", () => flush(true));

// ---- reject dialog
function openReject() {
  if (!Q.jobs[Q.index]) return;
  const box = $("reasons"); box.textContent = "";
  REASONS.forEach((id, i) => {
    box.append(PL.el("label", {class: "reason"},
      PL.el("input", {type: "radio", name: "reason", value: id, id: `reason-${i + 1}`, checked: i === 0}),
      PL.el("kbd", {text: String(i + 1)}), " ", PL.el("span", {text: PL.t(id)})));
  });
  $("reject-text").value = ""; $("reject-msg").textContent = "";
  $("reject-dialog").showModal();
  $("reason-1").focus();
}
$("reject-dialog").addEventListener("keydown", e => {
  if (/^[1-6]$/.test(e.key) && e.target.id !== "reject-text") {
    e.preventDefault(); const r = $(`reason-${e.key}`); r.checked = true; r.focus();
  } else if (e.key === "Enter" && !e.shiftKey && e.target.tagName !== "BUTTON") {
    e.preventDefault(); submitReject();
  }
});
$("reject-form").addEventListener("submit", e => { e.preventDefault(); submitReject(); });
$("reject-cancel").addEventListener("click", () => $("reject-dialog").close());
$("reject-dialog").addEventListener("close", focusStage);
function submitReject() {
  const choice = document.querySelector("input[name=reason]:checked");
  const details = $("reject-text").value.trim();
  if (!choice || (choice.value === "r.other" && details.length < 3)) {
    $("reject-msg").textContent = PL.t("qa.rej.need"); $("reject-text").focus(); return;
  }
  const base = choice.value === "r.other" ? "" : REASON_EN[choice.value];
  const reason = [base, details].filter(Boolean).join(": ");
  $("reject-dialog").close();
  decide("reject", reason);
}

// ---- keyboard
function focusStage() { $("stage").focus({preventScroll: true}); }
function move(by) {
  if (!Q.jobs.length) return;
  Q.index = Math.min(Math.max(Q.index + by, 0), Q.jobs.length - 1);
  Q.slot = 0; renderQueue(); show();
}
function toggleSource() { if (Q.proof) { Q.source = !Q.source; showImage(); } }
function toggleOverlay() {
  const on = !viewer.state.overlay; viewer.setOverlay(on); $("b-overlay").setAttribute("aria-pressed", String(on));
}
document.addEventListener("keydown", e => {
  if ($("reject-dialog").open || document.body.classList.contains("signed-out")) return;
  if (e.target.closest && e.target.closest("input, textarea, select")) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const zoomed = !viewer.isFit(), step = 200, k = e.key;
  const panKeys = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step],
                   H: [-step, 0], L: [step, 0], K: [0, -step], J: [0, step]};
  let handled = true;
  if (zoomed && panKeys[k]) viewer.pan(...panKeys[k]);
  else if (k === "j" || k === "ArrowRight" || k === "ArrowDown") move(1);
  else if (k === "k" || k === "ArrowLeft" || k === "ArrowUp") move(-1);
  else if (k === "a") decide("approve");
  else if (k === "r") openReject();
  else if (k === "u") undo();
  else if (k === "z") viewer.toggleZoom();
  else if (k === "+" || k === "=") viewer.zoomBy(2);
  else if (k === "-") viewer.zoomBy(0.5);
  else if (k === "s") toggleSource();
  else if (k === "o") toggleOverlay();
  else if (k === "]") selectSlot(Q.slot + 1);
  else if (k === "[") selectSlot(Q.slot - 1);
  else handled = false;
  if (handled) { e.preventDefault(); $("mode").textContent = modeLabel(); }
});
$("b-approve").onclick = () => decide("approve");
$("b-reject").onclick = openReject;
$("b-zoom").onclick = () => { viewer.toggleZoom(); focusStage(); };
$("b-source").onclick = () => { toggleSource(); focusStage(); };
$("b-overlay").onclick = () => { toggleOverlay(); focusStage(); };
$("toast-undo").onclick = undo;
document.addEventListener("pl-lang", () => { counts(); if (Q.job) { $("findings").textContent = ""; $("job-head").textContent = ""; renderSide(); } });

PL.start("qa", () => { focusStage(); loadQueue().then(focusStage); setInterval(() => loadQueue(Q.jobs[Q.index] && Q.jobs[Q.index].id), 30000); });
