// EventHorizon gate scanner: the screens and the scan flow. Talks only to the check-in API (api.js).
//
// Flow online: a code (camera or typed) → POST verify → result screen → Continue → POST redeem with a
// scan_id made when the result was shown (so a double tap or a retry admits once) → back to scanning.
// Offline (browser offline, or the server does not answer): the offline verifier (verify.js) decides with
// the event's bundle; Continue queues the admission in IndexedDB and marks the ticket admitted here; the
// queue uploads when the network is back (sync.js). A redeem cut off by the network is queued the same way
// with its scan_id: if the server did get it, the upload replays the first answer instead of admitting twice.

import { AuthRequired, createApi, NetworkError } from "./api.js";
import { Camera, CameraError } from "./camera.js";
import { describe, format, formatStart, formatTime } from "./messages.js";
import { admissions, bundles, conflicts, kv, queue } from "./store.js";
import { Sync } from "./sync.js";
import { verifyOffline } from "./verify.js";

const strings = JSON.parse(document.getElementById("scanner-strings").textContent);
const config = JSON.parse(document.getElementById("scanner-config").textContent);

const KEYS = { device: "eh-scanner-device", gate: "eh-scanner-gate", event: "eh-scanner-event", camera: "eh-scanner-camera", user: "eh-scanner-user" };
const REPEAT_IGNORE_MS = 2500; // the camera keeps seeing the code just dismissed
const STATS_EVERY_MS = 10000;
const VERIFY_TIMEOUT_MS = 5000;

const $ = (id) => document.getElementById(id);

const state = {
  screen: null,
  event: null, // {id, title, timezone, venue, starts_at, expected, admitted}
  bundle: null, // {etag, bundle, fetchedAt}
  admitted: new Map(), // ticket id → {at, gate}: admitted from this device
  stats: { admitted: 0, expected: 0 },
  pendingAdmissions: 0,
  result: null, // {code, answer, scanId, source}
  busy: false,
  lastCode: "",
  lastCodeAt: 0,
  statsTimer: null,
  toastTimer: null,
};

const api = createApi({ base: config.api, onAuthLost: () => sessionEnded() });
const sync = new Sync({ api, device: () => ({ gate: gateName(), deviceId: deviceId() }) });
const camera = new Camera($("camera-video"), { workerUrl: config.decoderWorker, onCode: (text) => handleCode(text, "camera") });

// --- Small helpers --------------------------------------------------------------------------------------

function deviceId() {
  let id = localStorage.getItem(KEYS.device);
  if (!id) {
    id = `scanner-${crypto.randomUUID()}`;
    localStorage.setItem(KEYS.device, id);
  }
  return id;
}

function gateName() {
  return (localStorage.getItem(KEYS.gate) || "").trim();
}

function savedEvent() {
  try {
    return JSON.parse(localStorage.getItem(KEYS.event) || "null");
  } catch {
    return null;
  }
}

function show(screen) {
  state.screen = screen;
  $("boot").hidden = true;
  for (const name of ["login", "events", "scan"]) {
    $(`screen-${name}`).hidden = name !== screen;
  }
  document.body.dataset.screen = screen;
}

function setText(id, text) {
  $(id).textContent = text;
}

function toast(text) {
  const box = $("scan-toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(state.toastTimer);
  state.toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 3500);
}

function hideToast() {
  clearTimeout(state.toastTimer);
  $("scan-toast").hidden = true;
}

function admittedMessage(ticket, queued) {
  const holder = ticket && ticket.holder;
  const admitted = holder ? format(strings.admitted_holder, { holder }) : strings.admitted;
  return queued ? `${admitted} ${strings.saved_offline}` : admitted;
}

function vibrate(pattern) {
  if (navigator.vibrate) {
    try {
      navigator.vibrate(pattern);
    } catch {
      // not allowed here; feedback is visual anyway
    }
  }
}

function relativeApiPath(url) {
  const parsed = new URL(url, location.origin);
  const path = parsed.pathname + parsed.search;
  return path.startsWith(config.api) ? path.slice(config.api.length) : null;
}

// --- Sync badge -----------------------------------------------------------------------------------------

function renderBadge() {
  const badge = $("sync-badge");
  let badgeState;
  let text;
  const queued = sync.pending > 0 ? format(strings.queued, { count: sync.pending }) : "";
  if (sync.syncing) {
    badgeState = "syncing";
    text = queued ? `${strings.syncing} ${queued}` : strings.syncing;
  } else if (!sync.online) {
    badgeState = "offline";
    text = queued ? `${strings.offline} · ${queued}` : strings.offline;
  } else if (sync.pending > 0) {
    badgeState = sync.failed ? "failed" : "queued";
    text = sync.failed ? `${queued} · ${strings.sync_failed}` : queued;
  } else {
    badgeState = "online";
    text = sync.lastSynced
      ? `${strings.online} · ${format(strings.synced_at, { time: formatTime(sync.lastSynced.toISOString(), state.event && state.event.timezone) })}`
      : strings.online;
  }
  badge.dataset.state = badgeState;
  setText("sync-text", text);
}

// --- Sign in ------------------------------------------------------------------------------------------

function showLogin(message = "") {
  camera.stop();
  sync.stopBundle();
  clearInterval(state.statsTimer);
  closeResult({ silent: true });
  const error = $("login-error");
  error.textContent = message;
  error.hidden = !message;
  show("login");
  $("login-email").focus();
}

function sessionEnded() {
  if (state.screen !== "login") {
    showLogin(strings.session_expired);
  }
}

async function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  const error = $("login-error");
  if (!email || !password) {
    error.textContent = strings.login_failed;
    error.hidden = false;
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const response = await api.login(email, password);
    if (!response.ok) {
      const fields = (response.body && response.body.error && response.body.error.fields) || {};
      const fieldMessage = Object.values(fields).flat()[0];
      error.textContent = response.status >= 500 ? strings.error : response.errorMessage || fieldMessage || strings.login_failed;
      error.hidden = false;
      return;
    }
    $("login-password").value = "";
    error.hidden = true;
    localStorage.setItem(KEYS.user, email);
    sync.syncNow();
    const saved = savedEvent();
    if (saved && gateName()) {
      enterScan(saved);
    } else {
      goEvents();
    }
  } catch (failure) {
    error.textContent = failure instanceof NetworkError ? strings.network_error : strings.error;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

async function onSignOut() {
  let pending = await queue.count().catch(() => 0);
  if (pending > 0) {
    await sync.syncNow();
    pending = await queue.count().catch(() => 0);
    if (pending > 0 && !window.confirm(format(strings.signout_queued, { count: pending }))) {
      return;
    }
  }
  await api.logout();
  localStorage.removeItem(KEYS.event);
  localStorage.removeItem(KEYS.user);
  showLogin();
}

// --- Event and gate ---------------------------------------------------------------------------------------

function renderEvents(events) {
  const list = $("event-list");
  list.replaceChildren();
  for (const event of events) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "scanner-event";
    button.dataset.eventId = String(event.id);
    const title = document.createElement("span");
    title.className = "scanner-event-title";
    title.textContent = event.title;
    const when = document.createElement("span");
    when.className = "scanner-event-meta";
    when.textContent = [formatStart(event.starts_at, event.timezone), event.venue].filter(Boolean).join(" · ");
    const counts = document.createElement("span");
    counts.className = "scanner-event-counts";
    counts.textContent = format(strings.expected_of, { admitted: event.admitted, expected: event.expected });
    button.append(title, when, counts);
    button.addEventListener("click", () => pickEvent(event));
    item.append(button);
    list.append(item);
  }
}

function eventNote(text) {
  const note = $("events-note");
  note.textContent = text;
  note.hidden = !text;
}

async function loadEvents() {
  const list = $("event-list");
  list.setAttribute("aria-busy", "true");
  const cached = await kv.get("events").catch(() => null);
  if (cached) {
    renderEvents(cached);
  }
  try {
    const events = [];
    let path = "checkin/events/";
    for (let page = 0; path && page < 10; page += 1) {
      const response = await api.get(path);
      sync.noteReachable(true);
      if (!response.ok || !response.body) {
        eventNote(response.errorMessage || strings.error);
        return;
      }
      events.push(...response.body.results);
      path = response.body.next ? relativeApiPath(response.body.next) : null;
    }
    await kv.set("events", events).catch(() => {});
    renderEvents(events);
    eventNote(events.length ? "" : strings.no_events);
  } catch (error) {
    if (error instanceof NetworkError) {
      sync.noteReachable(false);
      eventNote(cached ? strings.events_offline : strings.network_error);
    } else if (!(error instanceof AuthRequired)) {
      eventNote(strings.error);
    }
  } finally {
    list.setAttribute("aria-busy", "false");
  }
}

function goEvents(note = "") {
  camera.stop();
  sync.stopBundle();
  clearInterval(state.statsTimer);
  show("events");
  setText("device-id", deviceId());
  setText("signed-in-as", localStorage.getItem(KEYS.user) || "");
  $("gate-name").value = gateName();
  eventNote(note);
  loadEvents();
}

function pickEvent(event) {
  const input = $("gate-name");
  const gate = input.value.trim().slice(0, 60);
  if (!gate) {
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    setText("gate-error", strings.gate_required);
    input.focus();
    return;
  }
  input.classList.remove("is-invalid");
  input.removeAttribute("aria-invalid");
  localStorage.setItem(KEYS.gate, gate);
  const summary = {
    id: event.id,
    title: event.title,
    timezone: event.timezone,
    venue: event.venue,
    starts_at: event.starts_at,
    expected: event.expected,
    admitted: event.admitted,
  };
  localStorage.setItem(KEYS.event, JSON.stringify(summary));
  enterScan(summary);
}

// --- Scanning -------------------------------------------------------------------------------------------

async function enterScan(event) {
  state.event = event;
  state.stats = { admitted: event.admitted || 0, expected: event.expected || 0 };
  show("scan");
  setText("scan-event", event.title);
  setText("scan-gate", gateName());
  state.bundle = await bundles.get(event.id).catch(() => null);
  state.admitted = await admissions.forEvent(event.id).catch(() => new Map());
  await countPendingAdmissions();
  renderCounters();
  renderBundleStatus();
  renderConflicts();
  if (localStorage.getItem(KEYS.camera) === "on") {
    startCamera();
  } else {
    showCameraIdle("");
  }
  downloadBundle();
  sync.keepBundleFresh(event.id, (entry) => {
    state.bundle = entry;
    renderBundleStatus();
  });
  clearInterval(state.statsTimer);
  state.statsTimer = setInterval(refreshStats, STATS_EVERY_MS);
  refreshStats();
}

async function downloadBundle() {
  const eventId = state.event.id;
  if (!state.bundle) {
    setText("bundle-status", strings.bundle_loading);
  }
  try {
    const entry = await sync.refreshBundle(eventId);
    if (state.event && state.event.id === eventId && entry) {
      state.bundle = entry;
    }
  } catch (error) {
    if (error.code === "not_event_staff") {
      goEvents(strings.not_staff);
      return;
    }
  }
  renderBundleStatus();
}

function renderBundleStatus() {
  const entry = state.bundle;
  if (!entry || !entry.bundle) {
    setText("bundle-status", strings.bundle_missing);
    return;
  }
  const count = (entry.bundle.tickets || []).length;
  const template = count === 1 ? strings.bundle_ready_one : strings.bundle_ready_other;
  setText("bundle-status", format(template, { count, time: formatTime(entry.fetchedAt, state.event.timezone) }));
}

async function countPendingAdmissions() {
  const pending = await queue.pending(state.event.id).catch(() => []);
  state.pendingAdmissions = pending.filter((scan) => scan.result === "ok").length;
}

function renderCounters() {
  setText("count-admitted", String(state.stats.admitted + state.pendingAdmissions));
  setText("count-expected", String(state.stats.expected));
}

async function refreshStats() {
  if (state.screen !== "scan" || !navigator.onLine || !state.event) {
    return;
  }
  const eventId = state.event.id;
  try {
    const response = await api.get(`checkin/events/${eventId}/stats/`);
    sync.noteReachable(true);
    if (response.ok && response.body && state.event && state.event.id === eventId) {
      state.stats = { admitted: response.body.admitted, expected: response.body.expected };
      await countPendingAdmissions();
      renderCounters();
    } else if (response.status === 403) {
      goEvents(strings.not_staff);
    }
  } catch (error) {
    if (error instanceof NetworkError) {
      sync.noteReachable(false);
    }
  }
}

async function renderConflicts() {
  const rows = await conflicts.forEvent(state.event.id).catch(() => []);
  const box = $("conflicts");
  const list = $("conflict-list");
  list.replaceChildren();
  for (const row of rows.slice(-10).reverse()) {
    const item = document.createElement("li");
    const reason = describe({ reason: row.reason, first_used: row.first_used }, { strings, timeZone: state.event.timezone }).headline;
    item.textContent = format(strings.conflict, { holder: row.holder || "?", reason });
    list.append(item);
  }
  box.hidden = rows.length === 0;
}

// --- Camera -----------------------------------------------------------------------------------------------

function showCameraIdle(message) {
  $("camera-idle").hidden = false;
  $("camera-stop").hidden = true;
  setText("camera-message", message);
}

async function startCamera() {
  setText("camera-message", "");
  try {
    await camera.start();
    localStorage.setItem(KEYS.camera, "on");
    $("camera-idle").hidden = true;
    $("camera-stop").hidden = false;
  } catch (error) {
    camera.stop();
    const denied = error instanceof CameraError && error.kind === "denied";
    showCameraIdle(denied ? strings.camera_denied : strings.camera_unavailable);
  }
}

function stopCamera() {
  camera.stop();
  localStorage.setItem(KEYS.camera, "off");
  showCameraIdle("");
}

// --- A scan -----------------------------------------------------------------------------------------------

async function handleCode(raw, source) {
  if (state.screen !== "scan" || state.busy || state.result || !state.event) {
    return;
  }
  const code = String(raw);
  if (source === "camera" && code === state.lastCode && Date.now() - state.lastCodeAt < REPEAT_IGNORE_MS) {
    return;
  }
  state.busy = true;
  toast(strings.checking);
  try {
    const answer = await check(code);
    if (answer) {
      showResult(code, answer, source);
    }
  } finally {
    state.busy = false;
  }
}

/** The verdict on ``code``: the server's when it answers, else the offline verifier's. */
async function check(code) {
  if (sync.online) {
    try {
      const response = await api.post("checkin/verify/", { event: state.event.id, code }, { timeout: VERIFY_TIMEOUT_MS });
      sync.noteReachable(true);
      if (response.ok && response.body && response.body.reason) {
        return { ...response.body, ticket_id: response.body.ticket && response.body.ticket.id, offline: false };
      }
      if (response.status === 403) {
        goEvents(strings.not_staff);
        return null;
      }
      if (response.status === 429) {
        toast(strings.busy);
        return null;
      }
      // 5xx: the server is in trouble; the gate keeps going on the offline verdict
    } catch (error) {
      if (error instanceof AuthRequired) {
        return null;
      }
      if (!(error instanceof NetworkError)) {
        throw error;
      }
      sync.noteReachable(false);
    }
  }
  return verifyLocally(code);
}

function verifyLocally(code) {
  const bundle = state.bundle && state.bundle.bundle;
  return verifyOffline(bundle || null, code, { admissions: state.admitted, now: new Date() });
}

function showResult(code, answer, source) {
  const view = describe(answer, { strings, timeZone: state.event.timezone });
  state.result = { code, answer, source, scanId: crypto.randomUUID() };
  const screen = $("screen-result");
  screen.classList.toggle("is-admit", view.admit);
  screen.classList.toggle("is-reject", !view.admit);
  $("result-icon").className = `bi scan-result-icon ${view.admit ? "bi-check-circle-fill" : "bi-x-octagon-fill"}`;
  setText("result-headline", view.headline);
  setText("result-detail", view.detail);
  $("result-detail").hidden = !view.detail;
  setText("result-holder", view.holder);
  $("result-holder").hidden = !view.holder;
  const rows = $("result-rows");
  rows.replaceChildren();
  for (const [label, value] of view.rows) {
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = value;
    rows.append(term, detail);
  }
  $("result-offline").hidden = !view.offline;
  const proceed = $("result-continue");
  proceed.textContent = view.admit ? strings.continue : strings.scan_next;
  proceed.disabled = false;
  $("result-cancel").hidden = !view.admit;
  $("result-cancel").disabled = false;
  hideToast();
  screen.hidden = false;
  document.body.classList.add("has-result");
  proceed.focus();
  vibrate(view.admit ? 90 : [70, 50, 70, 50, 70]);
  if (answer.offline && !view.admit && answer.detail !== "no_bundle") {
    queueScan(code, answer.reason, answer, state.result.scanId); // offline rejections are logged too
  } else if (!answer.offline && !view.admit && !answer.scan_id && answer.reason && answer.reason !== "ok") {
    logRejection(code, answer, state.result.scanId); // a verify answer: log the turn-away (redeem answers are)
  }
}

/** Every scan is logged: a code turned away online is reported to the server; without network, queued. */
async function logRejection(code, answer, scanId) {
  const body = {
    event: state.event.id, code, reason: answer.reason, gate: gateName(), device_id: deviceId(), scan_id: scanId,
  };
  try {
    await api.post("checkin/reject/", body, { timeout: VERIFY_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof NetworkError) {
      await queueScan(code, answer.reason, answer, scanId);
    }
  }
}

function closeResult({ silent = false } = {}) {
  const result = state.result;
  state.result = null;
  $("screen-result").hidden = true;
  document.body.classList.remove("has-result");
  if (!result || silent) {
    return;
  }
  state.lastCode = result.code;
  state.lastCodeAt = Date.now();
  if (result.source === "manual") {
    const input = $("manual-code");
    input.value = "";
    input.focus();
  }
}

async function queueScan(code, result, answer, scanId) {
  const scan = {
    scan_id: scanId,
    event: state.event.id,
    code,
    device_time: new Date().toISOString(),
    result,
    gate: gateName(),
    device_id: deviceId(),
    ticket_id: answer.ticket_id || (answer.ticket && answer.ticket.id) || null,
    holder: (answer.ticket && answer.ticket.holder) || "",
  };
  await queue.add(scan);
  if (result === "ok" && scan.ticket_id) {
    state.admitted.set(scan.ticket_id, { at: scan.device_time, gate: scan.gate });
  }
  await sync.refreshCount();
  await countPendingAdmissions();
  renderCounters();
  sync.syncSoon();
}

async function onContinue() {
  const result = state.result;
  if (!result) {
    return;
  }
  if (result.answer.reason !== "ok") {
    closeResult();
    return;
  }
  $("result-continue").disabled = true;
  $("result-cancel").disabled = true;
  if (result.answer.offline) {
    await queueScan(result.code, "ok", result.answer, result.scanId);
    closeResult();
    toast(admittedMessage(result.answer.ticket, true));
    return;
  }
  await redeem(result);
}

async function redeem(result) {
  const body = { event: state.event.id, code: result.code, gate: gateName(), device_id: deviceId(), scan_id: result.scanId };
  let response;
  try {
    response = await api.post("checkin/redeem/", body, { timeout: VERIFY_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof AuthRequired) {
      return;
    }
    if (error instanceof NetworkError) {
      sync.noteReachable(false);
    }
    await queueScan(result.code, "ok", result.answer, result.scanId); // same scan_id: admits at most once
    closeResult();
    toast(admittedMessage(result.answer.ticket, true));
    return;
  }
  sync.noteReachable(true);
  const answer = response.body || {};
  if (response.status === 200) {
    const ticket = answer.ticket || {};
    if (ticket.id) {
      const at = (answer.checked_in && answer.checked_in.at) || new Date().toISOString();
      const gate = (answer.checked_in && answer.checked_in.gate) || gateName();
      state.admitted.set(ticket.id, { at, gate });
      admissions.put({ event: state.event.id, ticket_id: ticket.id, at, gate }).catch(() => {});
    }
    if (!answer.replayed) {
      state.stats.admitted += 1;
    }
    renderCounters();
    closeResult();
    toast(admittedMessage(ticket, false));
    return;
  }
  if (answer.reason) {
    if (answer.reason === "already_used" && answer.ticket && answer.ticket.id && answer.first_used) {
      state.admitted.set(answer.ticket.id, answer.first_used);
    }
    closeResult({ silent: true });
    showResult(result.code, { ...answer, offline: false }, result.source);
    return;
  }
  if (response.status === 403) {
    closeResult({ silent: true });
    goEvents(strings.not_staff);
    return;
  }
  if (response.status >= 500) {
    await queueScan(result.code, "ok", result.answer, result.scanId);
    closeResult();
    toast(admittedMessage(result.answer.ticket, true));
    return;
  }
  closeResult();
  toast(response.errorMessage || (response.status === 429 ? strings.busy : strings.error));
}

function onManual(event) {
  event.preventDefault();
  const input = $("manual-code");
  const code = input.value.trim();
  if (!code) {
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    setText("manual-error", strings.enter_code);
    input.focus();
    return;
  }
  input.classList.remove("is-invalid");
  input.removeAttribute("aria-invalid");
  handleCode(code, "manual");
}

// --- Start ----------------------------------------------------------------------------------------------

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(() => {});
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController) {
      $("update-banner").hidden = false;
    }
  });
}

function wire() {
  $("login-form").addEventListener("submit", onLogin);
  $("gate-form").addEventListener("submit", (event) => event.preventDefault());
  $("gate-name").addEventListener("change", (event) => {
    const gate = event.target.value.trim().slice(0, 60);
    if (gate) {
      localStorage.setItem(KEYS.gate, gate);
    }
  });
  $("events-refresh").addEventListener("click", () => loadEvents());
  $("signout").addEventListener("click", onSignOut);
  $("change-event").addEventListener("click", () => goEvents());
  $("camera-start").addEventListener("click", startCamera);
  $("camera-stop").addEventListener("click", stopCamera);
  $("manual-form").addEventListener("submit", onManual);
  $("result-continue").addEventListener("click", onContinue);
  $("result-cancel").addEventListener("click", () => closeResult());
  $("update-reload").addEventListener("click", () => location.reload());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.result) {
      closeResult();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (state.screen !== "scan") {
      return;
    }
    if (document.hidden) {
      camera.stop(); // the camera light goes off when the app is in the background
    } else if (localStorage.getItem(KEYS.camera) === "on" && !camera.running) {
      startCamera();
    }
  });
  sync.addEventListener("change", renderBadge);
  sync.addEventListener("uploaded", async (event) => {
    if (state.event && state.event.id === event.detail.event) {
      // Until the stats answer, count what the server just admitted (it left the pending count).
      state.stats.admitted += (event.detail.summary && event.detail.summary.admitted) || 0;
      await countPendingAdmissions();
      renderCounters();
      renderConflicts();
      refreshStats();
    }
  });
  sync.addEventListener("reconnect", () => {
    if (state.screen === "scan" && state.event) {
      downloadBundle();
      refreshStats();
    }
  });
}

function boot() {
  wire();
  registerServiceWorker();
  sync.start();
  renderBadge();
  if (!api.isSignedIn()) {
    showLogin();
    return;
  }
  const saved = savedEvent();
  if (saved && gateName()) {
    enterScan(saved);
  } else {
    goEvents();
  }
}

boot();
