// The verify page (/), by file: files are hashed on this device and only their fingerprints
// are sent. One file opens the result page (/?sha256=...), as the fingerprint form would;
// several give a table of outcomes, each anchored entry checked in the browser.
// Markup and words: templates/portal/verify_files.html and the templates it includes.
import { checkEntries, showKeys, summary } from "./browser-check.js";
import { acceptFiles, hashEach } from "./file-drop.js";
import { FileReadError } from "./file-hash.js";
import { ApiError, entryByIndex, verifyBySha256 } from "./log-api.js";
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
  const done = await hashEach(root, [file], (_, sha256) => {
    const url = new URL(root.dataset.resultUrl, location.href);
    url.searchParams.set("sha256", sha256);
    if (index) url.searchParams.set("index", index);
    location.assign(url);
  });
  if (!done) say("cancelled");
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
  const done = await hashEach(root, files, async (file, sha256) => {
    const row = cloneTemplate("file-results-row").querySelector("tr");
    fillSlots(row, { name: file.name, sha256, outcome: pageString(STRINGS, "checking") });
    body.append(row);
    try {
      const outcome = await outcomeOf(sha256, named);
      outcomes.add(outcome.name);
      checked.push(...outcome.checks);
      showOutcome(row, outcome, index);
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
// differs"; otherwise the file is verified if any entry anchors it, else not anchored.
async function outcomeOf(sha256, named) {
  if (named !== null && named.sha256 !== sha256) {
    return { name: "content_differs", entry: named, checks: [] };
  }
  const answer = await verifyBySha256(root.dataset.verifyApi, sha256);
  if (answer.entries.length === 0) return { name: "not_anchored", entry: null, checks: [] };
  const checks = await checkEntries(answer.entries, sha256);
  return { name: "verified", entry: answer.entries[0], checks };
}

function showOutcome(row, { name, entry, checks }, index) {
  row.dataset.outcome = name;
  fillSlots(row, { outcome: pageString(STRINGS, name, { n: index }) });
  if (entry === null) return;
  // The node and time the entry states once verified; else as the server says them.
  const { node, time } = checks[0]?.fields ?? { node: entry.node.code, time: entry.time };
  row.querySelector("time").dateTime = time;
  fillSlots(row, {
    index: entry.index,
    node: entry.node.name ? `${entry.node.name} (${node})` : node,
    time,
    browser: checks.length ? summary(checks) : "",
  });
  if (checks.length) row.dataset.browserCheck = checks.every((c) => c.verdict === "verified");
}
