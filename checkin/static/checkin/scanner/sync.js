// Connection state, the upload of queued scans (POST checkin/sync/), and keeping the offline bundle fresh.
//
// "Online" means the browser thinks so *and* the last request got an answer: a venue's Wi-Fi that is up
// but goes nowhere counts as offline. Uploads run when the browser comes back online, after every queued
// scan, and every 15 seconds while anything is pending; each batch is idempotent on the server (scan_id),
// so a batch cut off half-way is simply sent again.

import { AuthRequired, NetworkError } from "./api.js";
import { bundles, queue } from "./store.js";

const BATCH_SIZE = 100; // the server takes up to 500
const RETRY_MS = 15000;
const BUNDLE_REFRESH_MS = 60000;

export class Sync extends EventTarget {
  constructor({ api, device }) {
    super();
    this.api = api;
    this.device = device; // () => {gate, deviceId}
    this.reachable = true;
    this.syncing = false;
    this.pending = 0;
    this.lastSynced = null;
    this.failed = false;
    this.running = null;
    this.bundleTimer = null;
  }

  get online() {
    return navigator.onLine && this.reachable;
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }

  /** Note the outcome of any request: an answer means the server is reachable. */
  noteReachable(reachable) {
    if (this.reachable !== reachable) {
      this.reachable = reachable;
      this.changed();
      if (reachable) {
        this.syncSoon();
      }
    }
  }

  start() {
    window.addEventListener("online", () => {
      this.reachable = true;
      this.changed();
      this.syncNow();
      this.dispatchEvent(new Event("reconnect"));
    });
    window.addEventListener("offline", () => this.changed());
    setInterval(() => {
      if (this.pending > 0 || !this.reachable) {
        this.syncNow();
      }
    }, RETRY_MS);
    this.refreshCount();
    queue.prune().catch(() => {});
  }

  async refreshCount() {
    try {
      this.pending = await queue.count();
    } catch {
      this.pending = 0;
    }
    this.changed();
  }

  syncSoon() {
    setTimeout(() => this.syncNow(), 0);
  }

  /** Upload everything pending, batch by batch. Resolves when done (or when the network gave up). */
  syncNow() {
    if (!this.running) {
      this.running = this.upload().finally(() => {
        this.running = null;
        this.syncing = false;
        this.changed();
      });
    }
    return this.running;
  }

  async upload() {
    await this.refreshCount();
    if (!navigator.onLine || this.pending === 0) {
      if (this.pending === 0 && this.online) {
        this.failed = false;
      }
      return;
    }
    if (!this.api.isSignedIn()) {
      return; // kept until someone signs in on this device
    }
    this.syncing = true;
    this.changed();
    const { gate, deviceId } = this.device();
    try {
      for (;;) {
        const pending = await queue.pending();
        if (pending.length === 0) {
          break;
        }
        const eventId = pending[0].event;
        const batch = pending.filter((scan) => scan.event === eventId).slice(0, BATCH_SIZE);
        const response = await this.api.post("checkin/sync/", {
          event: eventId,
          gate,
          device_id: deviceId,
          scans: batch.map((scan) => ({
            scan_id: scan.scan_id,
            code: scan.code,
            device_time: scan.device_time,
            gate: scan.gate,
            device_id: scan.device_id,
            result: scan.result,
          })),
        }, { timeout: 30000 });
        this.noteReachable(true);
        if (!response.ok || !response.body || !Array.isArray(response.body.results)) {
          this.failed = true; // 403 (no longer staff), 429, 5xx: keep the scans, try again later
          return;
        }
        await queue.settle(batch.map((scan, i) => ({ scan, answer: response.body.results[i] || { reason: null } })));
        this.dispatchEvent(new CustomEvent("uploaded", { detail: { event: eventId, summary: response.body.summary } }));
        await this.refreshCount();
      }
      this.failed = false;
      this.lastSynced = new Date();
    } catch (error) {
      if (error instanceof NetworkError) {
        this.noteReachable(false);
      } else if (!(error instanceof AuthRequired)) {
        this.failed = true;
      }
    } finally {
      await this.refreshCount();
    }
  }

  /**
   * Download the event's offline bundle when it changed (ETag / If-None-Match). Returns the stored entry
   * {etag, bundle, fetchedAt} — the previous one when offline — or null when there is none.
   */
  async refreshBundle(eventId) {
    const stored = await bundles.get(eventId).catch(() => null);
    const headers = stored && stored.etag ? { "If-None-Match": stored.etag } : {};
    let response;
    try {
      response = await this.api.get(`checkin/events/${eventId}/offline-bundle/`, { headers, timeout: 30000 });
    } catch (error) {
      if (error instanceof NetworkError) {
        this.noteReachable(false);
        return stored || null;
      }
      throw error;
    }
    this.noteReachable(true);
    if (response.status === 304 && stored) {
      const entry = { ...stored, fetchedAt: new Date().toISOString() };
      await bundles.set(eventId, entry);
      return entry;
    }
    if (response.ok && response.body && response.body.event) {
      const entry = { etag: response.headers.get("ETag"), bundle: response.body, fetchedAt: new Date().toISOString() };
      await bundles.set(eventId, entry);
      return entry;
    }
    if (response.status === 403) {
      const error = new Error("not_event_staff");
      error.code = "not_event_staff";
      throw error;
    }
    return stored || null;
  }

  /** Refresh ``eventId``'s bundle every minute while scanning it; ``onBundle`` gets each new entry. */
  keepBundleFresh(eventId, onBundle) {
    clearInterval(this.bundleTimer);
    this.bundleTimer = setInterval(async () => {
      if (!navigator.onLine) {
        return;
      }
      try {
        const entry = await this.refreshBundle(eventId);
        if (entry) {
          onBundle(entry);
        }
      } catch {
        // kept the previous bundle; the next round tries again
      }
    }, BUNDLE_REFRESH_MS);
  }

  stopBundle() {
    clearInterval(this.bundleTimer);
    this.bundleTimer = null;
  }
}
