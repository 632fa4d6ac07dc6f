// Shared by the QA desk and the production floor: the API key (sessionStorage of this tab only), the
// role check through GET /v1/whoami, API calls that forget a rejected key at once, and en/de texts.
"use strict";

const PL = (() => {
  const STORE = "printline-key", LANG = "printline-lang";
  const texts = {en: {}, de: {}};
  let lang = localStorage.getItem(LANG) || ((navigator.language || "en").toLowerCase().startsWith("de") ? "de" : "en");

  function t(id, vars = {}) {
    const s = (texts[lang] && texts[lang][id]) || texts.en[id] || id;
    return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? vars[k] : `{${k}}`));
  }
  function words(dict) { for (const l of Object.keys(dict)) Object.assign(texts[l] = texts[l] || {}, dict[l]); }
  function translate(root = document) {
    document.documentElement.lang = lang;
    root.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
    root.querySelectorAll("[data-t-title]").forEach(e => { e.title = t(e.dataset.tTitle); });
    root.querySelectorAll("[data-t-label]").forEach(e => { e.setAttribute("aria-label", t(e.dataset.tLabel)); });
    root.querySelectorAll("[data-t-placeholder]").forEach(e => { e.placeholder = t(e.dataset.tPlaceholder); });
  }
  function setLang(l) { lang = l; localStorage.setItem(LANG, l); translate(); document.dispatchEvent(new Event("pl-lang")); }

  words({
    en: {"key.title": "Sign in with an API key", "key.label": "API key", "key.go": "Open",
         "key.role": "This page is for the {role} role; this key is a {got} key of {brand}. Use a {role} key.",
         "key.rejected": "The API key was refused ({status}) and has been forgotten. Enter a valid {role} key.",
         "key.forgotten": "Key forgotten.", "key.forget": "Forget key", "lang": "Deutsch",
         "error": "Error: {detail}", "loading": "Loading…", "cancel": "Cancel"},
    de: {"key.title": "Mit einem API-Schlüssel anmelden", "key.label": "API-Schlüssel", "key.go": "Öffnen",
         "key.role": "Diese Seite ist für die Rolle {role}; dieser Schlüssel gehört zur Rolle {got} von {brand}. Bitte einen {role}-Schlüssel verwenden.",
         "key.rejected": "Der API-Schlüssel wurde abgelehnt ({status}) und ist vergessen. Bitte einen gültigen {role}-Schlüssel eingeben.",
         "key.forgotten": "Schlüssel vergessen.", "key.forget": "Schlüssel vergessen", "lang": "English",
         "error": "Fehler: {detail}", "loading": "Lädt…", "cancel": "Abbrechen"},
  });

  let role = "", onReady = null;

  function key() { return sessionStorage.getItem(STORE); }
  function forget(message) {
    sessionStorage.removeItem(STORE);
    showLogin(message);
  }
  function showLogin(message) {
    const box = document.getElementById("login");
    document.body.classList.add("signed-out");
    box.hidden = false;
    document.getElementById("login-msg").textContent = message || "";
    const input = document.getElementById("login-key");
    input.value = "";
    input.focus();
  }

  class ApiError extends Error {
    constructor(status, detail, body) { super(`${status}: ${detail}`); this.status = status; this.detail = detail; this.body = body; }
  }

  async function api(path, opts = {}) {
    const k = key();
    if (!k) { showLogin(); throw new ApiError(401, "no key"); }
    const r = await fetch(path, {...opts, headers: {...(opts.headers || {}), "Authorization": "Bearer " + k}});
    if (!r.ok) {
      let body = {}, detail = r.statusText;
      try { body = await r.json(); detail = body.detail || detail; } catch (e) { /* not JSON */ }
      if (r.status === 401 || r.status === 403) forget(t("key.rejected", {status: r.status, role}));
      throw new ApiError(r.status, detail, body);
    }
    return r;
  }
  async function json(path, body, method = "POST") {
    return (await api(path, {method, headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})).json();
  }

  async function signIn() {
    try {
      const me = await (await api("/v1/whoami")).json();
      if (me.role !== role) {
        forget(t("key.role", {role, got: me.role, brand: me.brand}));
        return;
      }
      document.body.classList.remove("signed-out");
      document.getElementById("login").hidden = true;
      document.getElementById("who").textContent = `${me.brand} · ${me.role}`;
      onReady(me);
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) showLogin(t("error", {detail: e.message}));
    }
  }

  function start(pageRole, ready) {
    role = pageRole; onReady = ready;
    translate();
    document.getElementById("login-form").addEventListener("submit", ev => {
      ev.preventDefault();
      const value = document.getElementById("login-key").value.trim();
      if (!value) return;
      sessionStorage.setItem(STORE, value);
      signIn();
    });
    document.getElementById("forget").addEventListener("click", () => forget(t("key.forgotten")));
    document.getElementById("lang").addEventListener("click", () => setLang(lang === "de" ? "en" : "de"));
    if (key()) signIn(); else showLogin();
  }

  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v;
    }
    e.append(...children.filter(c => c !== null && c !== undefined));
    return e;
  }
  function age(iso) {
    const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 60) return `${minutes} min`;
    if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
    return `${Math.round(minutes / 1440)} d`;
  }
  async function listStates(states, extra = "") {
    const lists = await Promise.all(states.map(s => api(`/v1/jobs?state=${s}&limit=200${extra}`).then(r => r.json())));
    return lists.flatMap(l => l.jobs);
  }

  return {t, words, translate, api, json, start, el, age, listStates, forget, get lang() { return lang; }, ApiError};
})();
