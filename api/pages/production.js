// The production floor: the queue by printer, product and age; several jobs downloaded as one ZIP or
// marked printed / shipped (tracking per job) in one step, each behind a confirmation dialog.
"use strict";

PL.words({
  en: {"p.title": "Printline production floor", "nav.qa": "QA", "p.tab.approved": "Ready to print",
       "p.tab.printed": "Printed, to ship", "p.tab.failed": "Failed", "p.printer": "Printer", "p.product": "Product",
       "p.all": "all", "p.reload": "Reload", "p.download": "Download ZIP", "p.markprinted": "Mark printed…",
       "p.markshipped": "Mark shipped…", "p.retry": "Retry…", "p.selectall": "Select all", "p.order": "Order",
       "p.qty": "Qty", "p.customer": "Customer", "p.country": "Country", "p.age": "Age", "p.info": "Info",
       "p.carrier": "Carrier", "p.tracking": "Tracking number", "p.confirm": "Confirm",
       "p.selected": "{n} selected", "p.none": "Nothing here.", "p.counts": "{approved} to print · {printed} to ship · {failed} failed",
       "p.c.printed": "Mark {n} jobs printed?", "p.c.shipped": "Mark {n} jobs shipped?", "p.c.retry": "Render {n} failed jobs again?",
       "p.c.download": "Download {n} print files and their packing slips as one ZIP?",
       "p.c.list": "{list}", "p.done": "{done} done, {refused} refused", "p.refused": "{ref}: {detail}",
       "p.downloaded": "Downloaded {name}", "p.needtracking": "Every job needs a tracking number.",
       "p.retry1": "Retry", "p.group": "{printer} · {product} ({n})"},
  de: {"p.title": "Printline Produktion", "nav.qa": "QA", "p.tab.approved": "Druckbereit",
       "p.tab.printed": "Gedruckt, zu versenden", "p.tab.failed": "Fehlgeschlagen", "p.printer": "Drucker", "p.product": "Produkt",
       "p.all": "alle", "p.reload": "Neu laden", "p.download": "ZIP herunterladen", "p.markprinted": "Als gedruckt markieren…",
       "p.markshipped": "Als versendet markieren…", "p.retry": "Erneut…", "p.selectall": "Alle auswählen", "p.order": "Bestellung",
       "p.qty": "Menge", "p.customer": "Kunde", "p.country": "Land", "p.age": "Alter", "p.info": "Info",
       "p.carrier": "Versender", "p.tracking": "Sendungsnummer", "p.confirm": "Bestätigen",
       "p.selected": "{n} ausgewählt", "p.none": "Nichts hier.", "p.counts": "{approved} zu drucken · {printed} zu versenden · {failed} fehlgeschlagen",
       "p.c.printed": "{n} Aufträge als gedruckt markieren?", "p.c.shipped": "{n} Aufträge als versendet markieren?",
       "p.c.retry": "{n} fehlgeschlagene Aufträge neu rendern?",
       "p.c.download": "{n} Druckdateien mit Lieferscheinen als ein ZIP herunterladen?",
       "p.c.list": "{list}", "p.done": "{done} erledigt, {refused} abgelehnt", "p.refused": "{ref}: {detail}",
       "p.downloaded": "{name} heruntergeladen", "p.needtracking": "Jeder Auftrag braucht eine Sendungsnummer.",
       "p.retry1": "Erneut", "p.group": "{printer} · {product} ({n})"},
});

const $ = id => document.getElementById(id);
const P = {state: "approved", jobs: {approved: [], printed: [], failed: []}, selected: new Set(), confirmAction: null};

async function load() {
  $("msg").textContent = "";
  const [approved, printed, failed] = await Promise.all(["approved", "printed", "failed"].map(s => PL.listStates([s])));
  P.jobs = {approved, printed, failed};
  $("counts").textContent = PL.t("p.counts", {approved: approved.length, printed: printed.length, failed: failed.length});
  fillSelect("printer", [...approved, ...printed, ...failed].map(j => j.printer || "–"));
  fillSelect("product", [...approved, ...printed, ...failed].map(j => j.product));
  const ids = new Set(P.jobs[P.state].map(j => j.id));
  P.selected = new Set([...P.selected].filter(id => ids.has(id)));
  render();
}
function fillSelect(id, values) {
  const sel = $(id), keep = sel.value;
  [...sel.options].slice(1).forEach(o => o.remove());
  [...new Set(values)].sort().forEach(v => sel.append(PL.el("option", {value: v, text: v})));
  sel.value = [...sel.options].some(o => o.value === keep) ? keep : "";
}
function visible() {
  const printer = $("printer").value, product = $("product").value;
  return P.jobs[P.state].filter(j => (!printer || (j.printer || "–") === printer) && (!product || j.product === product))
    .sort((a, b) => (a.printer || "").localeCompare(b.printer || "") || a.product.localeCompare(b.product)
                    || a.updated_at.localeCompare(b.updated_at));
}
function render() {
  document.querySelectorAll("#tabs [role=tab]").forEach(t => t.setAttribute("aria-selected", String(t.dataset.state === P.state)));
  const rows = $("rows"); rows.textContent = "";
  const jobs = visible();
  if (!jobs.length) rows.append(PL.el("tr", {}, PL.el("td", {colSpan: 9, text: PL.t("p.none")})));
  let group = null;
  for (const job of jobs) {
    const g = `${job.printer || "–"}|${job.product}`;
    if (g !== group) {
      group = g;
      const n = jobs.filter(j => `${j.printer || "–"}|${j.product}` === g).length;
      rows.append(PL.el("tr", {class: "group"}, PL.el("td", {colSpan: 9,
        text: PL.t("p.group", {printer: job.printer || "–", product: job.product, n})})));
    }
    const box = PL.el("input", {type: "checkbox", checked: P.selected.has(job.id), "data-job": job.id,
      onchange: () => { box.checked ? P.selected.add(job.id) : P.selected.delete(job.id); update(); }});
    box.setAttribute("aria-label", `${job.order_ref} ${job.product}`);
    const hours = (Date.now() - new Date(job.updated_at).getTime()) / 3.6e6;
    const info = job.state === "failed" ? (job.reason || "") : (job.tracking_number ? `${job.carrier || ""} ${job.tracking_number}` : `r${job.version}`);
    const actions = PL.el("td");
    if (job.state === "failed") actions.append(PL.el("button", {type: "button", text: PL.t("p.retry1"),
      onclick: () => confirmBulk("retry", [job])}));
    const tr = PL.el("tr", {class: P.selected.has(job.id) ? "selected" : "", "data-job": job.id},
      PL.el("td", {}, box), PL.el("td", {text: `${job.order_ref}-${(job.position ?? 0) + 1}`}), PL.el("td", {text: job.product}),
      PL.el("td", {text: String(job.quantity)}), PL.el("td", {text: job.customer_name || ""}),
      PL.el("td", {class: "col-country", text: job.country || ""}),
      PL.el("td", {class: hours > 48 ? "old" : "", text: PL.age(job.updated_at)}),
      PL.el("td", {class: "col-info", text: info}), actions);
    rows.append(tr);
  }
  update();
}
function update() {
  const n = P.selected.size;
  $("selected").textContent = PL.t("p.selected", {n});
  $("b-download").disabled = !n || P.state === "failed";
  $("b-printed").disabled = !n || P.state !== "approved";
  $("b-shipped").disabled = !n || P.state !== "printed";
  $("b-retry").disabled = !n || P.state !== "failed";
  $("all").checked = n > 0 && visible().every(j => P.selected.has(j.id));
  document.querySelectorAll("#rows tr[data-job]").forEach(tr => tr.classList.toggle("selected", P.selected.has(tr.dataset.job)));
}
function chosen() { return P.jobs[P.state].filter(j => P.selected.has(j.id)); }

function confirmBulk(action, jobs) {
  P.confirmAction = {action, jobs};
  $("confirm-title").textContent = PL.t(`p.c.${action}`, {n: jobs.length});
  $("confirm-text").textContent = jobs.map(j => `${j.order_ref} ${j.product} ×${j.quantity}`).join(" · ");
  $("confirm-msg").textContent = "";
  $("ship-fields").hidden = action !== "shipped";
  const rows = $("ship-rows"); rows.textContent = "";
  if (action === "shipped") {
    jobs.forEach((j, i) => rows.append(PL.el("tr", {}, PL.el("td", {text: `${j.order_ref} · ${j.customer_name || ""}`}),
      PL.el("td", {}, PL.el("input", {id: `tracking-${i}`, "data-job": j.id, autocomplete: "off"})))));
  }
  $("confirm").showModal();
  (action === "shipped" ? $("tracking-0") : $("confirm-ok")).focus();
}
$("confirm-cancel").onclick = () => $("confirm").close();
$("confirm-form").addEventListener("submit", async e => {
  e.preventDefault();
  const {action, jobs} = P.confirmAction;
  const ok = $("confirm-ok"); ok.disabled = true;
  try {
    if (action === "download") await download(jobs);
    else {
      let body;
      if (action === "shipped") {
        const carrier = $("carrier-all").value.trim() || null;
        const tracking = [...document.querySelectorAll("#ship-rows input")].map(i => ({id: i.dataset.job, carrier, tracking_number: i.value.trim()}));
        if (tracking.some(t => !t.tracking_number)) { $("confirm-msg").textContent = PL.t("p.needtracking"); return; }
        body = {action: "mark_shipped", jobs: tracking};
      } else body = {action: action === "printed" ? "mark_printed" : "retry", jobs: jobs.map(j => ({id: j.id}))};
      const out = await PL.json("/v1/production/bulk", body);
      const refs = Object.fromEntries(jobs.map(j => [j.id, j.order_ref]));
      const refused = out.results.filter(r => !r.ok).map(r => PL.t("p.refused", {ref: refs[r.id] || r.id, detail: r.detail}));
      toast([PL.t("p.done", out), ...refused].join(" · "));
      jobs.forEach(j => P.selected.delete(j.id));
      await load();
    }
    $("confirm").close();
  } catch (err) {
    $("confirm-msg").textContent = PL.t("error", {detail: err.detail || err.message});
  } finally { ok.disabled = false; }
});

async function download(jobs) {
  const r = await PL.api("/v1/production/download", {method: "POST", headers: {"Content-Type": "application/json"},
                                               body: JSON.stringify({jobs: jobs.map(j => j.id)})});
  const name = (/filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "") || [])[1] || "printline.zip";
  const url = URL.createObjectURL(await r.blob());
  const a = PL.el("a", {href: url, download: name});
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  toast(PL.t("p.downloaded", {name}));
}
function toast(text) {
  $("toast-text").textContent = text; $("toast").hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { $("toast").hidden = true; }, 6000);
}

document.querySelectorAll("#tabs [role=tab]").forEach(t => t.addEventListener("click", () => {
  P.state = t.dataset.state; P.selected.clear(); render();
}));
$("printer").onchange = render; $("product").onchange = render;
$("reload").onclick = () => load().catch(e => { $("msg").textContent = PL.t("error", {detail: e.message}); });
$("all").onchange = () => { visible().forEach(j => $("all").checked ? P.selected.add(j.id) : P.selected.delete(j.id)); render(); };
$("b-download").onclick = () => confirmBulk("download", chosen());
$("b-printed").onclick = () => confirmBulk("printed", chosen());
$("b-shipped").onclick = () => confirmBulk("shipped", chosen());
$("b-retry").onclick = () => confirmBulk("retry", chosen());
document.addEventListener("pl-lang", render);

PL.start("production", () => load().catch(e => { $("msg").textContent = PL.t("error", {detail: e.message}); }));
