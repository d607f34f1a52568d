// The served-document page (/v/CODE), by file: the file is hashed on this device, its
// fingerprint checked against the served document (POST /api/v1/codes/CODE/check), and the
// outcome shown with the file's name, the document's receipt and report, and what to do when
// it differs; when it is that document, the entry's proof is checked again in the browser,
// under "technical details" with the fingerprints.
// A PDF that is not the document is compared by its earlier revisions and its text
// (content-check.js): an incremental update of it, or a copy of its text, is said so.
// Markup and words: templates/portal/served_check.html and the templates it includes.
import { checkEntries, renderResult, showKeys } from "./browser-check.js";
import {
  contentOutcome,
  copyFields,
  pdfFingerprints,
  renderOutcome,
  showTextNote,
  textProblem,
  verifyCopy,
} from "./content-check.js";
import { acceptFiles, hashEach } from "./file-drop.js";
import { FileReadError } from "./file-hash.js";
import { fileKind, showWrongFileHint } from "./file-kind.js";
import { ApiError, checkServedDocument, verifyBySha256 } from "./log-api.js";
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";

const STRINGS = "served-check-strings";

const root = document.querySelector("[data-served-check]");
if (root) {
  root.hidden = false;
  acceptFiles(root, ([file]) => check(file));
}

function say(name) {
  const status = root.querySelector("[data-status]");
  status.textContent = name ? pageString(STRINGS, name) : "";
  if (name) status.focus();
}

async function check(file) {
  say(null);
  const result = root.querySelector("[data-result]");
  const technical = root.querySelector("[data-technical]");
  result.replaceChildren();
  technical.hidden = true;
  root.querySelector("[data-browser-check]").hidden = true;
  try {
    const done = await hashEach(root, [file], async (_, sha256, signal) => {
      const answer = await checkServedDocument(root.dataset.checkApi, sha256, csrfToken());
      const beyond = answer.outcome === "verified" ? null : await beyondBytes(file, sha256, signal);
      const found = beyond?.found;
      if (found) {
        const words = { name: file.name, sha256, fingerprints: found.fingerprints };
        result.replaceChildren(renderOutcome(found, words));
        showChecks(found.checks);
      } else {
        result.replaceChildren(await outcomeView(answer.outcome, file, sha256, beyond?.text));
      }
      fillSlots(technical, { sha256 });
      technical.hidden = false;
      if (!found && answer.outcome === "verified") await checkInBrowser(sha256, Number(answer.index));
      result.querySelector("[data-outcome]").focus();
    });
    if (!done) say("cancelled");
  } catch (error) {
    if (error instanceof ApiError) say("server_error");
    else if (error instanceof FileReadError) say("read_error");
    else throw error;
  }
}

// The outcome's words for this file: its name, the report of the document checked against it,
// and, when it is not the document, whether it looks like the wrong file altogether and why
// its text was not compared (textProblem), if so.
async function outcomeView(outcome, file, sha256, text = "") {
  const view = cloneTemplate(`served-${outcome}`);
  fillSlots(view, { file_name: file.name });
  view.querySelector("[data-checked-file]").hidden = false;
  const report = view.querySelector("[data-report]");
  report.href = `${report.getAttribute("href")}?sha256=${sha256}`;
  if (outcome !== "verified") showWrongFileHint(view, await fileKind(file));
  showTextNote(view, text);
  return view;
}

// A PDF that is not the served document byte for byte: checked again with what was computed
// from it, so that an update of the served document, a copy of its text, or the pages whose
// text differs are told. {found, text}: found is null when it is not a PDF, its text cannot
// be read, or the served document's "content differs" stands with nothing more to say; text
// says why its text was not compared, if so (textProblem).
async function beyondBytes(file, sha256, signal) {
  const fingerprints = await pdfFingerprints(file, { signal });
  const text = textProblem(fingerprints);
  if (fingerprints === null || fingerprints.error) return { found: null, text };
  const copy = copyFields(fingerprints, { pages: true });
  const answer = await checkServedDocument(root.dataset.checkApi, sha256, csrfToken(), copy);
  if (answer.outcome === "content_differs") {
    if (!answer.pages_differing) return { found: null, text };
    const found = await contentOutcome(answer, file, fingerprints, {
      pages: answer.pages_differing,
    });
    return { found: { ...found, fingerprints }, text };
  }
  // The entries that match, with their proofs, to check in the browser.
  const proven = await verifyCopy(root.dataset.verifyApi, sha256, fingerprints);
  const found = await contentOutcome(proven, file, fingerprints, { index: answer.index });
  return { found: { ...found, fingerprints }, text };
}

async function checkInBrowser(sha256, index) {
  const answer = await verifyBySha256(root.dataset.verifyApi, sha256);
  const served = answer.entries.filter((entry) => entry.index === index);
  showChecks(await checkEntries(served, sha256));
}

function showChecks(results) {
  const checks = root.querySelector("[data-checks]");
  checks.replaceChildren(...results.map(renderResult));
  checks.closest("[data-browser-check]").hidden = results.length === 0;
  showKeys(root, results);
}

function csrfToken() {
  return root.querySelector("[name=csrfmiddlewaretoken]").value;
}
