// Beyond the bytes, for a PDF: whether a file whose SHA-256 is not anchored is an anchored
// document with an update appended (an earlier revision, its bytes up to a %%EOF), or a copy
// of an anchored document's text (the pdf-text/v1 content fingerprint), or differs from a
// served document and on which pages. The fingerprints are computed on this device
// (pdf-fingerprint.js) and only they are sent; the server answers which outcome it is
// (/api/v1/verify, /api/v1/codes/CODE/check). Each matching entry is then checked in the
// browser against what matched: the revision's SHA-256, or the content fingerprint.
// Words and markup: templates/portal/content_outcome.html.
import { checkEntries } from "./browser-check.js";
import { verifyByCopy } from "./log-api.js";
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

async function appendedAfter(file, length) {
  const appended = new Uint8Array(await file.slice(length).arrayBuffer());
  return { length, bytes: file.size - length, kinds: appendedKinds(appended) };
}

// The pages (1-based) whose text differs, as the server found them, with the page count.
function differing(pages, fingerprints) {
  return Array.isArray(pages) ? { differ: pages, count: fingerprints.pages.length } : null;
}

/**
 * The /api/v1/verify answer for a file and what was computed from it (content fingerprint,
 * earlier revisions): outcome verified, earlier_revision, same_text or not_anchored.
 */
export function verifyCopy(verifyApi, sha256, fingerprints) {
  const usable = fingerprints && !fingerprints.error ? fingerprints : null;
  return verifyByCopy(verifyApi, sha256, copyFields(usable));
}

/** What the API takes of a PDF's fingerprints: {content, revisions (the last 32)}. */
export function copyFields(fingerprints, { pages = false } = {}) {
  if (!fingerprints) return {};
  const fields = { revisions: fingerprints.revisions.map((r) => r.sha256).slice(-MAX_REVISIONS) };
  if (fingerprints.content) fields.content = fingerprints.content;
  if (pages && fingerprints.content) fields.pages = fingerprints.pages;
  return fields;
}

// The API's limit on revisions sent (records/copies.py MAX_REVISIONS).
const MAX_REVISIONS = 32;

/**
 * The outcome, from an /api/v1/verify answer or a served document's check, of a file whose
 * own SHA-256 is not the anchored one: {name: "earlier_revision" | "same_text" |
 * "content_differs" | "not_anchored", entries, checks, appended, pages}. Each matching
 * entry is checked in the browser against what matched; `index`, when given, keeps only
 * that record's entries (a named record, a served document).
 */
export async function contentOutcome(answer, file, fingerprints, { index = null, pages } = {}) {
  const name = answer.outcome;
  if (name !== "earlier_revision" && name !== "same_text") {
    const found = name === "content_differs" ? differing(pages, fingerprints) : null;
    return { name, entries: [], checks: [], appended: null, pages: found };
  }
  let entries = answer.matching_entries;
  if (index !== null) entries = entries.filter((entry) => String(entry.index) === String(index));
  if (name === "same_text") {
    const checks = await checkEntries(entries, { content: fingerprints.content });
    return { name, entries, checks, appended: null, pages: null };
  }
  const revision = fingerprints.revisions.find((r) => r.sha256 === answer.revision_sha256);
  const checks = await checkEntries(entries, answer.revision_sha256);
  const appended = revision ? await appendedAfter(file, revision.length) : null;
  return { name, entries, checks, appended, pages: null };
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

/**
 * Why a PDF's text could not be compared, as a code: the worker's error, "no_text" for a PDF
 * with no text to read (a scan has no content fingerprint), or "" when it could be compared
 * or the file is not a PDF.
 */
export function textProblem(fingerprints) {
  if (!fingerprints) return "";
  if (fingerprints.error) return fingerprints.error;
  return fingerprints.content ? "" : "no_text";
}

/** Why a PDF's text could not be compared, in words, or "" when it could. */
export function fingerprintError(fingerprints) {
  return textWords(textProblem(fingerprints));
}

/** The words of a textProblem code, or "" for none. */
export function textWords(problem) {
  return problem ? pageString(STRINGS, `error_${problem}`) : "";
}

/** Shows, in root's [data-text-note] lines, why the file's text was not compared, if so. */
export function showTextNote(root, problem) {
  for (const line of root.querySelectorAll("[data-text-note]")) {
    line.textContent = textWords(problem);
    line.hidden = !problem;
  }
}

/** The outcome's panel: its heading and explanation, and the differing pages if known. */
export function renderOutcome(outcome, { name, sha256, fingerprints }) {
  const view = cloneTemplate(`content-outcome-${outcome.name}`);
  const entry = outcome.entries[0];
  fillSlots(view, { name, sha256, index: entry?.index ?? "" });
  if (outcome.appended) fillSlots(view, { appended: appendedWords(outcome.appended) });
  if (fingerprints?.content) fillSlots(view, { content: fingerprints.content });
  // The verification report of the record, stating this outcome: it takes what was computed
  // here, as the API does.
  const report = view.querySelector("[data-report]");
  if (entry) {
    const url = new URL(report.getAttribute("href").replace("INDEX", entry.index), location.href);
    url.searchParams.set("sha256", sha256);
    const { content, revisions = [] } = copyFields(fingerprints);
    if (content) url.searchParams.set("content", content);
    for (const revision of revisions) url.searchParams.append("revision", revision);
    report.href = url;
  } else {
    report.parentElement.remove();
  }
  const pages = view.querySelector("[data-pages]");
  if (pages) {
    if (outcome.pages) {
      const { differ, count } = outcome.pages;
      pages.textContent = pageString(STRINGS, "pages_differ", { pages: listed(differ), count });
    } else {
      pages.textContent = fingerprintError(fingerprints) || pageString(STRINGS, "pages_unknown");
    }
  }
  return view;
}
