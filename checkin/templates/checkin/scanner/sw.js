/* EventHorizon gate scanner: service worker (rendered by checkin/scanner.py, scope /scanner/).

   Precaches the app shell and its static files under a versioned cache name, serves the shell when the
   network is gone, and never touches API calls: the app keeps the ticket data and the scan queue itself
   (IndexedDB), so nothing stale can come from here. */
"use strict";

const VERSION = {{ version|safe }};
const CACHE = "eh-scanner-" + VERSION;
const PRECACHE = {{ precache|safe }};
const SHELL = {{ shell|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};
const API_PREFIX = {{ api_prefix|safe }};
const SHELL_TIMEOUT_MS = 3500;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("eh-scanner-") && name !== CACHE).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

// The shell: network first (so a deploy shows at once), the cached copy when offline or slow.
async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), SHELL_TIMEOUT_MS);
    if (response.ok) {
      await cache.put(SHELL, response.clone());
      return response;
    }
    const cached = await cache.match(SHELL);
    return cached || response;
  } catch (error) {
    const cached = await cache.match(SHELL);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

// Static files: cache first; anything fetched on the way is kept for the next offline start.
async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith(API_PREFIX)) {
    return; // API calls go straight to the network
  }
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(asset(request));
  }
});
