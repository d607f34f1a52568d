// The served-document page (/v/CODE), by file: the file is hashed on this device, its
// fingerprint checked against the served document (POST /api/v1/codes/CODE/check), and the
// outcome shown with the file's name, the document's receipt and report, and what to do when
// it differs; when it is that document, the entry's proof is checked again in the browser,
// under "technical details" with the fingerprints.
// Markup and words: templates/portal/served_check.html and the templates it includes.
import { checkEntries, renderResult, showKeys } from "./browser-check.js";
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
    const done = await hashEach(root, [file], async (_, sha256) => {
      const answer = await checkServedDocument(root.dataset.checkApi, sha256, csrfToken());
      result.replaceChildren(await outcomeView(answer.outcome, file, sha256));
      fillSlots(technical, { sha256 });
      technical.hidden = false;
      if (answer.outcome === "verified") await checkInBrowser(sha256, Number(answer.index));
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
// and, when it is not the document, whether it looks like the wrong file altogether.
async function outcomeView(outcome, file, sha256) {
  const view = cloneTemplate(`served-${outcome}`);
  fillSlots(view, { file_name: file.name });
  view.querySelector("[data-checked-file]").hidden = false;
  const report = view.querySelector("[data-report]");
  report.href = `${report.getAttribute("href")}?sha256=${sha256}`;
  if (outcome !== "verified") showWrongFileHint(view, await fileKind(file));
  return view;
}

async function checkInBrowser(sha256, index) {
  const answer = await verifyBySha256(root.dataset.verifyApi, sha256);
  const served = answer.entries.filter((entry) => entry.index === index);
  const results = await checkEntries(served, sha256);
  const checks = root.querySelector("[data-checks]");
  checks.replaceChildren(...results.map(renderResult));
  checks.closest("[data-browser-check]").hidden = false;
  showKeys(root, results);
}

function csrfToken() {
  return root.querySelector("[name=csrfmiddlewaretoken]").value;
}
