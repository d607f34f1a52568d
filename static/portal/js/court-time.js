// Times as the court's people read them, in the court's time zone and the page's language:
// "18 Nov 2026, 09:30 (Beijing time, UTC+8)" or "2026年11月18日 09:30（北京时间）", exactly as the
// server writes them (judicial_verify/court_time.py). The zone and the words come from the
// page's #court-time data block (the court_time_wording template tag); the browser's own
// time zone and language play no part.

let wording = null;

function pageWording() {
  wording ??= JSON.parse(document.getElementById("court-time").textContent);
  return wording;
}

const two = (n) => String(n).padStart(2, "0");

// An offset east of UTC in minutes as "UTC+05:30", "UTC-03:00", or "UTC" for none.
function offsetName(minutes) {
  if (minutes === 0) return "UTC";
  const sign = minutes > 0 ? "+" : "-";
  const size = Math.abs(minutes);
  return `UTC${sign}${two(Math.floor(size / 60))}:${two(size % 60)}`;
}

/**
 * `when` (a Date, or RFC 3339 text) in the court's time zone, to the minute, with the zone
 * named; null for a time a Date cannot hold.
 */
export function courtTime(when) {
  const date = when instanceof Date ? when : new Date(when);
  if (Number.isNaN(date.getTime())) return null;
  const { zone, pattern, months, zone_name: zoneName } = pageWording();
  const fields = { year: "numeric", month: "numeric", day: "numeric" };
  const clock = { hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" };
  const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, ...fields, ...clock });
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, Number(p.value)]));
  // The zone's offset at that moment: its wall clock read as if it were UTC, less the moment.
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  const offset = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const values = {
    year: part.year,
    month: months[part.month - 1],
    day: part.day,
    hour: two(part.hour),
    minute: two(part.minute),
    zone: zoneName ?? offsetName(offset),
  };
  return pattern.replace(/\{(\w+)\}/g, (match, key) => values[key] ?? match);
}
