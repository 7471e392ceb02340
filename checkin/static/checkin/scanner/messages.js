// Words for the gate: turns a verdict (the server's or the offline verifier's) into what the result screen
// shows. Times are in the event's time zone — the gate and the guest are there, not where the server is.

export function format(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

/** "19:02" today, "22 Nov, 19:02" on another day — in ``timeZone``. */
export function formatTime(iso, timeZone, now = new Date()) {
  if (!iso) {
    return "";
  }
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) {
    return "";
  }
  const zone = timeZone || undefined;
  const day = (date) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  const time = new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(moment);
  if (day(moment) === day(now)) {
    return time;
  }
  const date = new Intl.DateTimeFormat(undefined, { timeZone: zone, day: "numeric", month: "short" }).format(moment);
  return `${date}, ${time}`;
}

/** "Sat 22 Nov, 19:00" for event lists. */
export function formatStart(iso, timeZone) {
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) {
    return "";
  }
  return new Intl.DateTimeFormat(undefined, {
    timeZone: timeZone || undefined,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(moment);
}

/**
 * What the result screen shows for ``answer`` ({reason, ticket, first_used, opens_at, offline, detail}).
 * Returns {admit, headline, detail, holder, rows: [[label, value]], offline}.
 */
export function describe(answer, { strings, timeZone, now = new Date() }) {
  const ticket = answer.ticket || null;
  const holder = ticket && ticket.holder ? ticket.holder : "";
  const rows = [];
  if (ticket) {
    if (ticket.ticket_type) {
      rows.push([strings.ticket_type, ticket.ticket_type]);
    }
    if (ticket.seat) {
      rows.push([strings.seat, ticket.seat]);
    }
    if (ticket.serial) {
      rows.push([strings.serial, ticket.serial]);
    }
  }
  const result = { admit: answer.reason === "ok", headline: "", detail: "", holder, rows, offline: Boolean(answer.offline) };

  switch (answer.reason) {
    case "ok":
      result.headline = strings.admit;
      if (ticket && ticket.listed === false) {
        result.detail = strings.reason_ok_unlisted;
        result.holder = "";
      }
      break;
    case "already_used": {
      const used = answer.first_used || {};
      const time = formatTime(used.at, timeZone, now);
      if (used.gate) {
        result.headline = format(strings.reason_already_used_at, { gate: used.gate, time });
      } else if (time) {
        result.headline = format(strings.reason_already_used_here, { time });
      } else {
        result.headline = strings.reason_already_used;
      }
      break;
    }
    case "not_yet_valid":
      result.headline = format(strings.reason_not_yet_valid, { time: formatTime(answer.opens_at, timeZone, now) });
      break;
    case "invalid":
      result.headline = strings.reason_invalid;
      if (answer.detail === "no_bundle") {
        result.detail = strings.reason_no_bundle;
      } else if (answer.detail === "serial_unknown" || answer.detail === "serial_offline") {
        result.detail = strings.reason_serial_offline;
      }
      break;
    default:
      result.headline = strings[`reason_${answer.reason}`] || strings.reason_invalid;
  }
  if (!result.admit && !holder && ticket && ticket.listed === false) {
    result.detail = result.detail || strings.unknown_holder;
  }
  return result;
}
