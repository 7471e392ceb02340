// What the scanner keeps on the device (IndexedDB "eh-scanner"), so it keeps working without a network:
//   kv          offline bundles ("bundle:<event>" → {etag, bundle, fetchedAt}), the last event list, stats
//   queue       scans to upload: {scan_id, event, code, device_time, result, gate, device_id, state, …};
//               state "pending" until the server has it, then "sent" (kept a day for the record)
//   admissions  tickets admitted from this device: [event, ticket_id] → {at, gate} — so a ticket admitted
//               a minute ago is "already used" offline even before the next bundle says so
//   conflicts   offline admissions the server refused on upload, shown to the gate person

const DB_NAME = "eh-scanner";
const DB_VERSION = 1;
const KEEP_SENT_MS = 24 * 60 * 60 * 1000;

let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("kv");
        const queue = db.createObjectStore("queue", { keyPath: "scan_id" });
        queue.createIndex("state", "state");
        queue.createIndex("event_state", ["event", "state"]);
        db.createObjectStore("admissions", { keyPath: ["event", "ticket_id"] });
        const conflicts = db.createObjectStore("conflicts", { keyPath: "scan_id" });
        conflicts.createIndex("event", "event");
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

/** Run ``work(stores)`` in one transaction; resolves with its result once the transaction committed. */
async function transact(names, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    const stores = Object.fromEntries([].concat(names).map((name) => [name, tx.objectStore(name)]));
    let result;
    Promise.resolve(work(stores)).then(
      (value) => {
        result = value;
      },
      (error) => {
        reject(error);
        try {
          tx.abort();
        } catch {
          // already finished
        }
      },
    );
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export const kv = {
  get: (key) => transact("kv", "readonly", (s) => promised(s.kv.get(key))),
  set: (key, value) => transact("kv", "readwrite", (s) => promised(s.kv.put(value, key))),
};

export const bundles = {
  get: (eventId) => kv.get(`bundle:${eventId}`),
  set: (eventId, entry) => kv.set(`bundle:${eventId}`, entry),
};

export const queue = {
  /** Record a scan to upload, and (for an admission) the ticket as admitted here. */
  add(scan) {
    return transact(["queue", "admissions"], "readwrite", (s) => {
      s.queue.put({ ...scan, state: "pending", queued_at: Date.now() });
      if (scan.result === "ok" && scan.ticket_id) {
        s.admissions.put({ event: scan.event, ticket_id: scan.ticket_id, at: scan.device_time, gate: scan.gate });
      }
    });
  },

  /** Pending scans, oldest first (all events, or one). */
  pending(eventId = null) {
    return transact("queue", "readonly", async (s) => {
      const items = eventId === null
        ? await promised(s.queue.index("state").getAll("pending"))
        : await promised(s.queue.index("event_state").getAll([eventId, "pending"]));
      return items.sort((a, b) => a.queued_at - b.queued_at);
    });
  },

  count: () => transact("queue", "readonly", (s) => promised(s.queue.index("state").count("pending"))),

  /** After an upload: mark what the server stored as sent (or drops what it refused as malformed). */
  settle(outcomes) {
    return transact(["queue", "conflicts"], "readwrite", async (s) => {
      for (const { scan, answer } of outcomes) {
        if (answer.reason === null || answer.reason === undefined) {
          s.queue.delete(scan.scan_id);
          continue;
        }
        s.queue.put({ ...scan, state: "sent", sent_at: Date.now(), answer_reason: answer.reason, conflict: Boolean(answer.conflict) });
        if (answer.conflict) {
          s.conflicts.put({ scan_id: scan.scan_id, event: scan.event, holder: scan.holder || (answer.ticket && answer.ticket.holder) || "",
            reason: answer.reason, first_used: answer.first_used || null, at: scan.device_time });
        }
      }
    });
  },

  /** Forget scans the server has had for a day. */
  prune() {
    const cutoff = Date.now() - KEEP_SENT_MS;
    return transact("queue", "readwrite", async (s) => {
      const sent = await promised(s.queue.index("state").getAll("sent"));
      for (const item of sent) {
        if ((item.sent_at || 0) < cutoff) {
          s.queue.delete(item.scan_id);
        }
      }
    });
  },
};

export const admissions = {
  /** ticket id → {at, gate} for tickets admitted from this device at ``eventId``. */
  forEvent(eventId) {
    return transact("admissions", "readonly", async (s) => {
      const range = IDBKeyRange.bound([eventId, 0], [eventId, Number.MAX_SAFE_INTEGER]);
      const rows = await promised(s.admissions.getAll(range));
      return new Map(rows.map((row) => [row.ticket_id, { at: row.at, gate: row.gate }]));
    });
  },
  put: (row) => transact("admissions", "readwrite", (s) => promised(s.admissions.put(row))),
};

export const conflicts = {
  forEvent: (eventId) =>
    transact("conflicts", "readonly", (s) => promised(s.conflicts.index("event").getAll(eventId))),
};
