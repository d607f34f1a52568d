// "Verified in your browser": runs tlog-verify.js on each entry of an /api/v1/verify answer
// and shows the outcome, step by step, with the key that signed. Markup and words:
// templates/portal/browser_check_templates.html.
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";
import { CheckFailed, Ed25519Unsupported, STEPS, checkProvenEntry } from "./tlog-verify.js";

const STRINGS = "browser-check-strings";

/**
 * Checks each proven entry against the file's SHA-256 and the published verifier keys.
 * Resolves to one result per entry: {entry, verdict: "verified" | "failed" | "unsupported",
 * failed: the step that failed or null, reason: why (for developers), key: who signed}.
 */
export function checkEntries(entries, sha256, verifierKeys) {
  return Promise.all(
    entries.map(async (entry) => {
      try {
        const key = await checkProvenEntry(entry, sha256, verifierKeys);
        return { entry, verdict: "verified", failed: null, reason: null, key };
      } catch (error) {
        if (error instanceof Ed25519Unsupported) {
          return { entry, verdict: "unsupported", failed: null, reason: error.message, key: null };
        }
        if (!(error instanceof CheckFailed)) throw error;
        return { entry, verdict: "failed", failed: error.step, reason: error.message, key: null };
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
    if (status !== "failed") item.querySelector("[data-failure]")?.remove();
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
