// Offline ticket verification: what a code or serial is worth at an event, decided with the event's
// offline bundle alone (GET /api/v1/checkin/events/{id}/offline-bundle/). It follows the server's rules
// and order (checkin/services/codes.py) so a gate sees the same verdict online and offline:
//
//   malformed → invalid; for another event → wrong_event; bad signature → invalid; older version than the
//   revocation list or the ticket list says → revoked; unpaid / cancelled / refunded → that status;
//   before check-in opens → not_yet_valid; admitted before (bundle or this device) → already_used; else ok.
//
// Where the bundle knows less than the server, it errs the way a gate wants: a correctly signed code of a
// ticket the bundle does not list yet (bought after the download) is admitted — the signature proves we
// issued it — and the server settles it when the scan is uploaded (a conflict if it should not have been).
// A typed serial needs the ticket list; an unknown serial is invalid.
//
// Code layout (the bundle's key.format): "EH1." + base64url(body ‖ signature), body = 15 bytes big-endian:
// format u8 (=1), event id u32, ticket id u32, ticket type id u32, ticket version u16; signature = Ed25519
// over body. Signatures are checked strictly (RFC 8032, as the server's `cryptography` does), with
// WebCrypto's SHA-512 — so this needs a secure context (HTTPS or localhost).

import * as ed from "../../npm/noble-ed25519/index.js";

export const PREFIX = "EH1.";
export const BODY_BYTES = 15;
export const SIGNATURE_BYTES = 64;
export const FORMAT_VERSION = 1;
const MAX_INPUT_LENGTH = 500;
const MAX_CODE_LENGTH = 200;
const SERIAL_RE = /^[A-Z0-9][A-Z0-9-]{2,19}$/;
const STATUS_REASONS = { unpaid: "unpaid", cancelled: "cancelled", refunded: "refunded" };

/** Drop control, format and lone-surrogate characters (keyboard-wedge noise), then outer whitespace. */
export function cleanInput(raw) {
  return String(raw).replace(/\p{C}/gu, "").trim();
}

/** Typed serials ignore case and spaces anywhere ("eh-2026 7k3m9q"). */
export function normaliseSerial(text) {
  return text.replace(/\s+/g, "").toUpperCase();
}

export function base64UrlToBytes(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    return null;
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  let binary;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** Decode a code without checking its signature; null when it is not a well-formed code of ours. */
export function parseCode(text) {
  if (typeof text !== "string" || text.length > MAX_CODE_LENGTH || !text.startsWith(PREFIX)) {
    return null;
  }
  const data = base64UrlToBytes(text.slice(PREFIX.length).trim());
  if (!data || data.length !== BODY_BYTES + SIGNATURE_BYTES) {
    return null;
  }
  const view = new DataView(data.buffer, data.byteOffset, BODY_BYTES);
  if (view.getUint8(0) !== FORMAT_VERSION) {
    return null;
  }
  return {
    eventId: view.getUint32(1),
    ticketId: view.getUint32(5),
    ticketTypeId: view.getUint32(9),
    version: view.getUint16(13),
    body: data.slice(0, BODY_BYTES),
    signature: data.slice(BODY_BYTES),
  };
}

/** True when ``signature`` is the Ed25519 signature of ``body`` under the raw 32-byte ``publicKey``. */
export async function signatureValid(body, signature, publicKey) {
  if (!publicKey || publicKey.length !== 32) {
    return false;
  }
  try {
    return await ed.verifyAsync(signature, body, publicKey, { zip215: false });
  } catch {
    return false; // malformed point encodings throw; they are simply not valid signatures
  }
}

const indexes = new WeakMap();

/** Lookups over a bundle, built once per bundle object. */
function bundleIndex(bundle) {
  let index = indexes.get(bundle);
  if (!index) {
    const byId = new Map();
    const bySerial = new Map();
    for (const ticket of bundle.tickets || []) {
      byId.set(ticket.id, ticket);
      bySerial.set(String(ticket.serial).toUpperCase(), ticket);
    }
    const minVersion = new Map();
    for (const entry of bundle.revoked || []) {
      minVersion.set(entry.ticket_id, Math.max(entry.min_version, minVersion.get(entry.ticket_id) || 0));
    }
    const blocked = new Map();
    for (const [status, ids] of Object.entries(bundle.blocked || {})) {
      for (const id of ids || []) {
        blocked.set(id, status);
      }
    }
    const publicKey = base64UrlToBytes((bundle.key && bundle.key.public_key) || "");
    index = { byId, bySerial, minVersion, blocked, publicKey };
    indexes.set(bundle, index);
  }
  return index;
}

function ticketView(bundle, ticket, ticketId) {
  if (!ticket) {
    return { id: ticketId, serial: null, holder: null, ticket_type: null, seat: null, status: null, listed: false,
      event: { id: bundle.event.id, title: bundle.event.title } };
  }
  return {
    id: ticket.id,
    serial: ticket.serial,
    holder: ticket.holder,
    ticket_type: ticket.ticket_type,
    seat: ticket.seat,
    status: ticket.status,
    listed: true,
    event: { id: bundle.event.id, title: bundle.event.title },
  };
}

/**
 * What ``input`` (a scanned code or a typed serial, any string) is worth at the bundle's event.
 *
 * ``admissions`` maps ticket id → {at, gate} for tickets admitted on this device since the bundle was made.
 * Returns the shape of the server's verify answer — {reason, admissible, ticket, first_used, opens_at} —
 * plus ``method`` ("qr" | "serial"), ``ticket_id`` and ``offline: true``.
 */
export async function verifyOffline(bundle, input, { admissions = new Map(), now = new Date() } = {}) {
  const raw = typeof input === "string" ? input : "";
  const text = raw.length > MAX_INPUT_LENGTH ? "" : cleanInput(raw);
  const signed = text.startsWith(PREFIX);
  const method = signed ? "qr" : "serial";
  const answer = (reason, extra = {}) => ({
    reason,
    admissible: reason === "ok",
    ticket: null,
    ticket_id: null,
    first_used: null,
    opens_at: null,
    method,
    offline: true,
    ...extra,
  });
  if (!bundle || !bundle.event) {
    return answer("invalid", { detail: "no_bundle" });
  }
  if (!text) {
    return answer("invalid");
  }
  const index = bundleIndex(bundle);

  let ticket;
  let ticketId;
  if (signed) {
    const code = parseCode(text);
    if (!code) {
      return answer("invalid");
    }
    // Another event's code cannot be checked with this event's key; it is refused either way, and the
    // server (which holds every key) calls a genuine one wrong_event, so say that.
    if (code.eventId !== bundle.event.id) {
      return answer("wrong_event");
    }
    if (!(await signatureValid(code.body, code.signature, index.publicKey))) {
      return answer("invalid");
    }
    ticketId = code.ticketId;
    ticket = index.byId.get(ticketId);
    const minVersion = Math.max(index.minVersion.get(ticketId) || 0, ticket ? ticket.version : 0);
    if (code.version < minVersion) {
      return answer("revoked", { ticket: ticketView(bundle, ticket, ticketId), ticket_id: ticketId });
    }
  } else {
    const serial = normaliseSerial(text);
    if (!SERIAL_RE.test(serial)) {
      return answer("invalid");
    }
    ticket = index.bySerial.get(serial);
    if (!ticket) {
      return answer("invalid", { detail: bundle.tickets ? "serial_unknown" : "serial_offline" });
    }
    ticketId = ticket.id;
  }

  const view = ticketView(bundle, ticket, ticketId);
  const status = index.blocked.get(ticketId) || (ticket && ticket.status !== "valid" ? ticket.status : null);
  if (status) {
    return answer(STATUS_REASONS[status] || "invalid", { ticket: view, ticket_id: ticketId });
  }
  const opensAt = bundle.event.checkin_opens_at ? new Date(bundle.event.checkin_opens_at) : null;
  if (opensAt && now < opensAt) {
    return answer("not_yet_valid", { ticket: view, ticket_id: ticketId, opens_at: bundle.event.checkin_opens_at });
  }
  const firstUse = ticket && ticket.checked_in_at
    ? { at: ticket.checked_in_at, gate: ticket.checked_in_gate || "" }
    : admissions.get(ticketId);
  if (firstUse) {
    return answer("already_used", { ticket: view, ticket_id: ticketId, first_used: { at: firstUse.at, gate: firstUse.gate || "" } });
  }
  return answer("ok", { ticket: view, ticket_id: ticketId });
}
