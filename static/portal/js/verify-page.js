// The verify page (/), by file: files are hashed on this device and only their fingerprints
// are sent. One file opens the result page (/?sha256=...), as the fingerprint form would,
// unless it is a PDF whose bytes are not anchored but whose earlier revision or text is
// (content-check.js): that outcome is shown here. Several give a table of outcomes, each
// anchored entry checked in the browser.
// Markup and words: templates/portal/verify_files.html and the templates it includes.
import { checkEntries, renderResult, showKeys, summary } from "./browser-check.js";
import {
  contentOutcome,
  copyFields,
  fingerprintError,
  outcomeWords,
  pdfFingerprints,
  renderOutcome,
  textProblem,
  verifyCopy,
} from "./content-check.js";
import { courtTime } from "./court-time.js";
import { acceptFiles, hashEach } from "./file-drop.js";
import { FileReadError } from "./file-hash.js";
import { fileKind } from "./file-kind.js";
import { ApiError, entryByIndex, verifyBySha256, verifyNamedCopy } from "./log-api.js";
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";

const STRINGS = "file-check-strings";
const RECORD_NUMBER = /^[0-9]{1,18}$/;

const root = document.querySelector("[data-file-check]");
if (root) {
  root.hidden = false;
  acceptFiles(root, check);
}

function say(name, values) {
  const status = root.querySelector("[data-status]");
  status.textContent = name ? pageString(STRINGS, name, values) : "";
  if (name) status.focus();
}

// A record number refused: its message at the top of the form, under the field's label; the
// field marked invalid, described by it and focused, so a screen reader reads both.
function refuseIndex(name, values) {
  const field = root.querySelector("[data-record-number]");
  const error = root.querySelector("[data-record-number-error]");
  error.querySelector("[data-message]").textContent = name ? pageString(STRINGS, name, values) : "";
  error.hidden = !name;
  const help = field.getAttribute("aria-describedby").replace(error.id, "").trim();
  if (!name) {
    field.removeAttribute("aria-invalid");
    field.setAttribute("aria-describedby", help);
    return;
  }
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", `${help} ${error.id}`);
  root.querySelector(`label[for="${field.id}"]`).scrollIntoView();
  field.focus({ preventScroll: true });
}

async function check(files) {
  say(null);
  refuseIndex(null);
  // As the server reads it: spaces and line breaks pasted with it, full-width digits forgiven.
  const typed = root.querySelector("[data-record-number]").value;
  const index = typed.normalize("NFKC").replace(/\s+/g, "");
  if (index && !RECORD_NUMBER.test(index)) {
    refuseIndex("index_error");
    return;
  }
  try {
    if (files.length === 1) await openResult(files[0], index);
    else await tabulate(files, index);
  } catch (error) {
    if (error instanceof ApiError) say("server_error");
    else if (error instanceof FileReadError) say("read_error");
    else throw error;
  }
}

async function openResult(file, index) {
  const done = await hashEach(root, [file], async (_, sha256, signal) => {
    const url = new URL(root.dataset.resultUrl, location.href);
    url.searchParams.set("sha256", sha256);
    if (index) url.searchParams.set("index", index);
    const beyond = await beyondBytes(file, sha256, index, signal);
    if (beyond?.outcome) {
      showInPlace(beyond.outcome, file, sha256);
      return;
    }
    // The result page is told the file's name, what it looks like and why its text was not
    // compared in the fragment, which the browser keeps to itself: the server learns only the
    // fingerprint (result-page.js).
    const checked = { file: file.name, kind: await fileKind(file) };
    if (beyond?.text) checked.text = beyond.text;
    url.hash = new URLSearchParams(checked).toString();
    location.assign(url);
  });
  if (!done) say("cancelled");
}

// For a PDF whose bytes are not the anchored (or named) document's: {outcome, text}, its
// outcome by earlier revision or text (null when the result page says it all: not a PDF, or
// one whose text cannot be read, nothing anchored) and why its text was not compared, if so
// (textProblem); null when there is nothing beyond the bytes to ask (bytes verified, a record
// number the log lacks).
async function beyondBytes(file, sha256, index, signal) {
  let named = null;
  if (index) {
    named = await entryByIndex(root.dataset.entryApi, index);
    if (named === null || named.sha256 === sha256) return null;
  } else if ((await verifyBySha256(root.dataset.verifyApi, sha256)).entries.length) {
    return null;
  }
  const fingerprints = await readText(file, signal);
  const text = textProblem(fingerprints);
  if (fingerprints === null || fingerprints.error) return { outcome: null, text };
  const outcome = await copyOutcome(file, sha256, fingerprints, named);
  return { outcome: outcome && { ...outcome, fingerprints }, text };
}

// An earlier revision or the same text of an anchored document, or null. With a named record,
// of that record only, or the pages whose text differs from its own when both have page
// fingerprints (a cookieless JSON POST: a GET has no room for 2,000 of them).
async function copyOutcome(file, sha256, fingerprints, named) {
  const api = root.dataset.verifyApi;
  if (named === null) {
    const answer = await verifyCopy(api, sha256, fingerprints);
    const outcome = await contentOutcome(answer, file, fingerprints);
    return outcome.entries.length ? outcome : null;
  }
  const copy = copyFields(fingerprints, { pages: true });
  const answer = await verifyNamedCopy(api, sha256, named.index, copy);
  if (answer.outcome === "content_differs") {
    if (!answer.pages_differing) return null;
    const pages = answer.pages_differing;
    const outcome = await contentOutcome(answer, file, fingerprints, { pages });
    return { ...outcome, entries: [named] };
  }
  const outcome = await contentOutcome(answer, file, fingerprints, { index: named.index });
  return outcome.entries.length ? outcome : null;
}

async function readText(file, signal) {
  const status = root.querySelector("[data-status]");
  const onProgress = (done, count) => {
    status.textContent = pageString("content-outcome-strings", "reading", { done, count });
  };
  const fingerprints = await pdfFingerprints(file, { signal, onProgress });
  status.textContent = "";
  return fingerprints;
}

function showInPlace(outcome, file, sha256) {
  const results = root.querySelector("[data-results]");
  const { fingerprints } = outcome;
  const view = renderOutcome(outcome, { name: file.name, sha256, fingerprints });
  results.replaceChildren(view);
  if (outcome.checks.length) {
    const checks = document.createElement("div");
    checks.className = "browser-check";
    checks.replaceChildren(...outcome.checks.map(renderResult));
    results.append(checks);
  }
  showKeys(root, outcome.checks);
  results.querySelector("[data-outcome]").focus();
}

async function tabulate(files, index) {
  let named = null;
  if (index) {
    named = await entryByIndex(root.dataset.entryApi, index);
    if (named === null) {
      refuseIndex("index_missing", { n: index });
      return;
    }
  }
  const results = root.querySelector("[data-results]");
  results.replaceChildren(cloneTemplate("file-results-table"));
  const body = results.querySelector("tbody");
  const outcomes = new Set();
  const checked = [];
  const done = await hashEach(root, files, async (file, sha256, signal) => {
    const row = cloneTemplate("file-results-row").querySelector("tr");
    fillSlots(row, { name: file.name, sha256, outcome: pageString(STRINGS, "checking") });
    body.append(row);
    try {
      const outcome = await outcomeOf(file, sha256, named, signal);
      outcomes.add(outcome.name);
      checked.push(...outcome.checks);
      showOutcome(row, outcome, index);
      if (outcome.name === "not_anchored" || outcome.name === "content_differs") {
        await showWrongFile(row, file);
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fillSlots(row, { outcome: pageString(STRINGS, "server_error") });
    }
  });
  for (const explanation of root.querySelectorAll("[data-explain]")) {
    explanation.hidden = !outcomes.has(explanation.dataset.explain);
  }
  showKeys(root, checked);
  say(done ? "done_many" : "cancelled", { n: body.rows.length });
}

// As the server's result page decides: a named record whose fingerprint differs is "content
// differs"; otherwise the file is verified if any entry anchors it, else not anchored. A PDF
// that is neither is then compared by its earlier revisions and its text (content-check.js).
async function outcomeOf(file, sha256, named, signal) {
  if (named === null || named.sha256 === sha256) {
    const answer = await verifyBySha256(root.dataset.verifyApi, sha256);
    if (answer.entries.length) {
      const checks = await checkEntries(answer.entries, sha256);
      return { name: "verified", entry: answer.entries[0], checks };
    }
  }
  const fingerprints = await readText(file, signal);
  const note = fingerprintError(fingerprints);
  if (fingerprints !== null && !fingerprints.error) {
    const found = await copyOutcome(file, sha256, fingerprints, named);
    if (found && found.name !== "content_differs") {
      const words = outcomeWords(found, named?.index);
      return { ...found, entry: found.entries[0], words };
    }
  }
  if (named !== null) return { name: "content_differs", entry: named, checks: [], note };
  return { name: "not_anchored", entry: null, checks: [], note };
}

// A file that is not anchored, or not the named record, and does not look like a PDF at all.
async function showWrongFile(row, file) {
  const kind = await fileKind(file);
  if (kind !== "image" && kind !== "not_pdf") return;
  const hint = document.createElement("span");
  hint.className = "wrong-file";
  hint.textContent = pageString(STRINGS, `wrong_file_${kind}`);
  row.querySelector('[data-slot="outcome"]').append(" ", hint);
}

function showOutcome(row, { name, entry, checks, note, words }, index) {
  row.dataset.outcome = name;
  const text = words ?? pageString(STRINGS, name, { n: index });
  fillSlots(row, { outcome: note ? `${text}. ${note}` : text });
  if (entry === null) return;
  // The node and time the entry states once verified; else as the server says them.
  const { node, time } = checks[0]?.fields ?? { node: entry.node.code, time: entry.time };
  row.querySelector("time").dateTime = time;
  fillSlots(row, {
    index: entry.index,
    node: entry.node.name ? `${entry.node.name} (${node})` : node,
    time: courtTime(time),
    browser: checks.length ? summary(checks) : "",
  });
  if (checks.length) row.dataset.browserCheck = checks.every((c) => c.verdict === "verified");
}
