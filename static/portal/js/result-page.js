// The result page of a verified fingerprint: each entry that anchors it is checked again in
// the browser (browser-check.js), so the visitor need not trust this server's word.
// Markup and words: templates/portal/browser_check.html.
import { checkEntries, renderResult, showKeys } from "./browser-check.js";
import { ApiError, verifyBySha256 } from "./log-api.js";
import { pageString } from "./page-text.js";

const root = document.querySelector("[data-browser-check]");
if (root) check(root);

async function check(root) {
  root.hidden = false;
  const status = root.querySelector("[data-status]");
  const sha256 = root.dataset.sha256;
  let answer;
  try {
    answer = await verifyBySha256(root.dataset.verifyApi, sha256);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    status.textContent = pageString("browser-check-strings", "server_error");
    return;
  }
  const results = await checkEntries(answer.entries, sha256, answer.verifier_keys);
  root.querySelector("[data-checks]").replaceChildren(...results.map(renderResult));
  showKeys(root, results);
  const verdict = overall(results);
  const text = { verified: "verified", refused: "not_verified", unsupported: "unsupported" };
  status.textContent = pageString("browser-check-strings", text[verdict]);
  root.dataset.verdict = verdict;
}

// Verified only when every entry is; a failed check outweighs one the browser could not do.
function overall(results) {
  if (results.length === 0 || results.some((r) => r.verdict === "failed")) return "refused";
  return results.some((r) => r.verdict === "unsupported") ? "unsupported" : "verified";
}
