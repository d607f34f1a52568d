// Beyond the bytes, for a PDF: whether a file whose SHA-256 is not anchored is an anchored
// document with an update appended (an earlier revision, its bytes up to a %%EOF), or a copy
// of an anchored document's text (the pdf-text/v1 content fingerprint), or differs from a
// named record and on which pages. The fingerprints are computed on this device
// (pdf-fingerprint.js); only they are sent. Each matching entry is then checked in the
// browser against what matched: the revision's SHA-256, or the content fingerprint.
// Words and markup: templates/portal/content_outcome.html.
import { checkEntries } from "./browser-check.js";
import { verifyBySha256, verifyByContent } from "./log-api.js";
import { PdfFingerprintError, fingerprintPdf, looksLikePdf } from "./pdf-fingerprint.js";
import { appendedKinds } from "./pdf-text.js";
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";

const STRINGS = "content-outcome-strings";

/**
 * The file's content fingerprints, or {error: code} when it is a PDF whose text cannot be
 * read, or null when it is not a PDF. onProgress(pagesDone, pageCount) as pages are read.
 */
export async function pdfFingerprints(file, { signal, onProgress } = {}) {
  if (!(await looksLikePdf(file))) return null;
  try {
    return await fingerprintPdf(file, { signal, onProgress });
  } catch (error) {
    if (error instanceof PdfFingerprintError) return { error: error.code };
    throw error;
  }
}

// The entry's own fields, from its bytes (which the browser check verifies).
function entryFields(entry) {
  try {
    const bytes = Uint8Array.from(atob(entry.entry), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

async function appendedAfter(file, length) {
  const appended = new Uint8Array(await file.slice(length).arrayBuffer());
  return { length, bytes: file.size - length, kinds: appendedKinds(appended) };
}

// The pages (1-based) whose fingerprints differ, when the record has page fingerprints.
function differingPages(anchored, pages) {
  if (!Array.isArray(anchored) || !pages) return null;
  const count = Math.max(anchored.length, pages.length);
  const differ = [];
  for (let i = 0; i < count; i++) if (anchored[i] !== pages[i]) differ.push(i + 1);
  return { differ, anchoredCount: anchored.length, count: pages.length };
}

/**
 * The outcome for a file whose own SHA-256 is not the anchored one (or not the named record's):
 * {name: "earlier_revision" | "same_text" | "content_differs" | "not_anchored", entries,
 * checks, appended, pages}. `named` is the entry of the record number the visitor gave, or
 * null; `fingerprints` pdfFingerprints' answer (null or {error} when there is none).
 */
export async function contentOutcome(verifyApi, file, sha256, fingerprints, named) {
  const usable = fingerprints && !fingerprints.error ? fingerprints : null;
  const revisions = usable ? [...usable.revisions].reverse() : []; // longest first
  if (named !== null) {
    // The named entry as the API proves it (an entry read alone comes without its proof).
    const proven = (answer) => answer.entries.filter((e) => e.index === named.index);
    const revision = revisions.find((r) => r.sha256 === named.sha256);
    if (revision) {
      const entries = proven(await verifyBySha256(verifyApi, revision.sha256));
      return matched("earlier_revision", entries, revision.sha256, file, revision);
    }
    if (usable?.content && entryFields(named).content === usable.content) {
      const entries = proven(await verifyByContent(verifyApi, usable.content));
      return matched("same_text", entries, { content: usable.content }, file);
    }
    const pages = differingPages(named.pages, usable?.pages);
    return { name: "content_differs", entries: [named], checks: [], pages };
  }
  for (const revision of revisions) {
    const answer = await verifyBySha256(verifyApi, revision.sha256);
    if (answer.entries.length) {
      return matched("earlier_revision", answer.entries, revision.sha256, file, revision);
    }
  }
  if (usable?.content) {
    const answer = await verifyByContent(verifyApi, usable.content);
    if (answer.entries.length) {
      return matched("same_text", answer.entries, { content: usable.content }, file);
    }
  }
  return { name: "not_anchored", entries: [], checks: [] };
}

async function matched(name, entries, expected, file, revision = null) {
  const checks = await checkEntries(entries, expected);
  const appended = revision ? await appendedAfter(file, revision.length) : null;
  return { name, entries, checks, appended };
}

function listed(items) {
  const list = new Intl.ListFormat(document.documentElement.lang || "en", { type: "conjunction" });
  return list.format(items.map(String));
}

/** What was appended after the anchored revision, in words. */
export function appendedWords({ length, bytes, kinds }) {
  const named = kinds.map((kind) => pageString(STRINGS, `kind_${kind}`));
  const what = named.length ? listed(named) : pageString(STRINGS, "kind_unknown");
  return pageString(STRINGS, "appended", { length, bytes, what });
}

/** One line for a table cell: the outcome's name, with its record number. */
export function outcomeWords(outcome, index) {
  const n = outcome.entries[0]?.index ?? index;
  return pageString(STRINGS, `cell_${outcome.name}`, { n });
}

/** Why a PDF's text could not be compared, in words, or "" when it could. */
export function fingerprintError(fingerprints) {
  return fingerprints?.error ? pageString(STRINGS, `error_${fingerprints.error}`) : "";
}

/** The outcome's panel: its heading and explanation, and the differing pages if known. */
export function renderOutcome(outcome, { name, sha256, fingerprints }) {
  const view = cloneTemplate(`content-outcome-${outcome.name}`);
  const entry = outcome.entries[0];
  fillSlots(view, { name, sha256, index: entry?.index ?? "" });
  if (outcome.appended) fillSlots(view, { appended: appendedWords(outcome.appended) });
  if (fingerprints?.content) fillSlots(view, { content: fingerprints.content });
  const pages = view.querySelector("[data-pages]");
  if (pages) {
    if (outcome.pages) {
      const { differ, anchoredCount, count } = outcome.pages;
      const words =
        anchoredCount === count
          ? pageString(STRINGS, "pages_differ", { pages: listed(differ), count })
          : pageString(STRINGS, "page_count_differs", { anchored: anchoredCount, count });
      pages.textContent = words;
    } else {
      pages.textContent = fingerprintError(fingerprints) || pageString(STRINGS, "pages_unknown");
    }
  }
  return view;
}
