// pdf-text/v1, the content fingerprint of a PDF (docs/pdf-text-v1.md), from the text PDFium
// extracted of each page: the port of judicial_verify/tlog/fingerprint.py that the browser
// runs. Pure functions over strings and bytes; the tables are pdf-text-v1-tables.json, the
// same ranges as tlog/unicode_tables.py (tests/browser/test_pdf_fingerprint.py compares them).

export const FORMAT = "pdf-text/v1";
export const MAX_PAGES = 2000;

/** The tables' lookups: removed(cp) and equivalent(cp) -> unified ideograph or undefined. */
export function unicodeTables({ removed, equivalent_unified_ideograph: equivalent }) {
  const removedFirsts = removed.map(([first]) => first);
  const folded = new Map();
  for (const [first, last, target] of equivalent) {
    for (let cp = first; cp <= last; cp++) folded.set(cp, target);
  }
  return {
    removed(cp) {
      const i = upperBound(removedFirsts, cp) - 1;
      return i >= 0 && cp <= removed[i][1];
    },
    equivalent: (cp) => folded.get(cp),
  };
}

function upperBound(sorted, value) {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A page's text as pdf-text/v1 hashes it: NFKC, radicals folded, no spaces or controls. */
export function normaliseText(text, tables) {
  let out = "";
  for (const ch of text.normalize("NFKC")) {
    const cp = ch.codePointAt(0);
    if (tables.removed(cp)) continue;
    const target = tables.equivalent(cp);
    out += target === undefined ? ch : String.fromCodePoint(target);
  }
  return out;
}

/** The 32-byte SHA-256 of bytes (WebCrypto: a secure context, as the portal is served). */
export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

const EMPTY_PAGE_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The fingerprint of a page whose text, as PDFium gives it, is text. */
export function pageFingerprint(text, tables) {
  return sha256(new TextEncoder().encode(normaliseText(text, tables)));
}

/** The entry's `content` value over the page fingerprints, or null if no page has text. */
export async function contentOf(pages) {
  const hex = pages.map(toHex);
  if (hex.every((page) => page === EMPTY_PAGE_HEX)) return null;
  const joined = new Uint8Array(32 * pages.length);
  pages.forEach((page, i) => joined.set(page, 32 * i));
  return `${FORMAT}:${toHex(await sha256(joined))}`;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const EOF = [0x25, 0x25, 0x45, 0x4f, 0x46]; // %%EOF

/**
 * Where each earlier revision of a PDF could end, in increasing order: right after each %%EOF
 * marker and, when an end of line (CRLF, CR or LF) follows, after that; never the file's end.
 */
export function revisionEnds(bytes) {
  const ends = new Set();
  let at = bytes.indexOf(EOF[0]);
  while (at !== -1 && at + EOF.length <= bytes.length) {
    if (EOF.every((b, i) => bytes[at + i] === b)) {
      let end = at + EOF.length;
      ends.add(end);
      if (bytes[end] === 0x0d) end += 1;
      if (bytes[end] === 0x0a) end += 1;
      ends.add(end);
    }
    at = bytes.indexOf(EOF[0], at + 1);
  }
  ends.delete(bytes.length);
  return [...ends].sort((a, b) => a - b);
}

// What an incremental update's keys show it appended, as tlog/fingerprint.py appended_kinds.
const UPDATE_MARKERS = [
  ["signature", ["/ByteRange", "/Sig"]],
  ["annotation", ["/Annot"]],
  ["form", ["/AcroForm", "/FT"]],
];

/** Any of "signature", "annotation", "form" that the appended bytes show, in that order. */
export function appendedKinds(appended) {
  const text = new TextDecoder("latin1").decode(appended);
  return UPDATE_MARKERS.filter(([, markers]) => markers.some((m) => text.includes(m))).map(
    ([kind]) => kind,
  );
}
