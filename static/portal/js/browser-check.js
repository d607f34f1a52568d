// "Verified in your browser": runs tlog-verify.js on each entry of an /api/v1/verify answer
// against the log pinned in the page, and shows the outcome, step by step, with the key that
// signed. Markup and words: templates/portal/browser_check_templates.html and log_keys.html.
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";
import { CheckFailed, Ed25519Unsupported, STEPS, checkProvenEntry } from "./tlog-verify.js";

const STRINGS = "browser-check-strings";

/**
 * The log this page trusts: {origin, verifierKeys}, from the page's own #pinned-log data block
 * (served with the page, as /log/ lists them), never from an answer it checks.
 */
export function pinnedLog() {
  const pinned = JSON.parse(document.getElementById("pinned-log").textContent);
  return { origin: pinned.origin, verifierKeys: pinned.verifier_keys };
}

/**
 * Checks each proven entry against the file's SHA-256 and the log pinned in the page. Resolves
 * to one result per entry: {entry, verdict: "verified" | "failed" | "unsupported", failed: the
 * step that failed or null, failure: which of its failures, reason: why (for developers), key:
 * who signed, fields: the verified entry as its bytes state it, or null}.
 */
export function checkEntries(entries, sha256) {
  const log = pinnedLog();
  const unverified = { failed: null, failure: null, key: null, fields: null };
  return Promise.all(
    entries.map(async (entry) => {
      try {
        const { key, fields } = await checkProvenEntry(entry, sha256, log);
        return { ...unverified, entry, verdict: "verified", reason: null, key, fields };
      } catch (error) {
        if (error instanceof Ed25519Unsupported) {
          return { ...unverified, entry, verdict: "unsupported", reason: error.message };
        }
        if (!(error instanceof CheckFailed)) throw error;
        const { step, failure, message } = error;
        return { ...unverified, entry, verdict: "failed", failed: step, failure, reason: message };
      }
    }),
  );
}

function stepStatus(result, step) {
  if (result.verdict === "verified") return "passed";
  if (result.failed === null) return step === "signature" ? "not_checked" : "passed";
  const at = STEPS.indexOf(result.failed);
  const here = STEPS.indexOf(step);
  return here < at ? "passed" : here === at ? "failed" : "not_checked";
}

/** The checklist of one result: verdict, each step passed, failed or not checked, and key. */
export function renderResult(result) {
  const view = cloneTemplate("browser-check-entry");
  const article = view.querySelector("article");
  article.dataset.verdict = result.verdict;
  if (result.failed) {
    article.dataset.failedStep = result.failed;
    article.dataset.reason = result.reason;
  }
  for (const verdict of article.querySelectorAll("[data-verdict]")) {
    if (verdict.dataset.verdict !== result.verdict) verdict.remove();
  }
  for (const item of article.querySelectorAll("[data-step]")) {
    const status = stepStatus(result, item.dataset.step);
    item.dataset.stepStatus = status;
    fillSlots(item, { status: pageString(STRINGS, status) });
    for (const failure of item.querySelectorAll("[data-failure]")) {
      if (status !== "failed" || failure.dataset.failure !== result.failure) failure.remove();
    }
  }
  if (result.key === null) article.querySelector("[data-signed-by]").remove();
  fillSlots(article, { index: result.entry.index, key: result.key ?? "" });
  return view;
}

/** One line for a table cell: verified in the browser, or which step refused. */
export function summary(results) {
  const failed = results.find((result) => result.verdict === "failed");
  if (failed) return pageString(STRINGS, `failed_${failed.failed}`);
  if (results.some((result) => result.verdict === "unsupported")) {
    return pageString(STRINGS, "unsupported");
  }
  return pageString(STRINGS, "verified");
}

/** Lists, in the [data-log-keys] block under root, the published keys that signed. */
export function showKeys(root, results) {
  const block = root.querySelector("[data-log-keys]");
  const keys = [...new Set(results.map((result) => result.key).filter(Boolean))];
  const list = block.querySelector("[data-keys]");
  list.replaceChildren(
    ...keys.map((key) => {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = key;
      item.append(code);
      return item;
    }),
  );
  block.hidden = keys.length === 0;
}
