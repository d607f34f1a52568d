// The result page of a fingerprint: the file checked is named. When verified, each entry that
// anchors it is checked again in the browser (browser-check.js), so the visitor need not trust
// this server's word, and the page's "anchored by" and "time" lines become what the verified
// entry says, in the court's time zone.
// Markup and words: templates/portal/result.html and the templates it includes.
import { checkEntries, renderResult, showKeys } from "./browser-check.js";
import { courtTime } from "./court-time.js";
import { ApiError, verifyBySha256 } from "./log-api.js";
import { showTextNote } from "./content-check.js";
import { showWrongFileHint } from "./file-kind.js";
import { fillSlots, pageString } from "./page-text.js";

const STRINGS = "browser-check-strings";

showCheckedFile();
const root = document.querySelector("[data-browser-check]");
if (root) check(root);

// The file's name, what it looks like and why its text was not compared, as the verify page
// put them in the fragment (which the server never sees): named in the outcome, with a hint
// when it may be the wrong file and a note when a PDF's text could not be compared.
function showCheckedFile() {
  const checked = new URLSearchParams(location.hash.slice(1));
  const name = checked.get("file");
  if (!name) return;
  for (const line of document.querySelectorAll("[data-checked-file]")) {
    fillSlots(line, { file_name: name });
    line.hidden = false;
  }
  showWrongFileHint(document, checked.get("kind"));
  // Only a reason the page has words for: the fragment is anyone's to write.
  const text = checked.get("text") ?? "";
  const strings = document.getElementById("content-outcome-strings").content;
  if (/^[a-z_]+$/.test(text) && strings.querySelector(`[data-string="error_${text}"]`)) {
    showTextNote(document, text);
  }
}

async function check(root) {
  root.hidden = false;
  const status = root.querySelector("[data-status]");
  const sha256 = root.dataset.sha256;
  let answer;
  try {
    answer = await verifyBySha256(root.dataset.verifyApi, sha256);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    status.textContent = pageString(STRINGS, "server_error");
    return;
  }
  const results = await checkEntries(answer.entries, sha256);
  root.querySelector("[data-checks]").replaceChildren(...results.map(renderResult));
  showKeys(root, results);
  showEntryLines(results);
  const verdict = overall(results);
  const text = { verified: "verified", refused: "not_verified", unsupported: "unsupported" };
  status.textContent = pageString(STRINGS, text[verdict]);
  root.dataset.verdict = verdict;
}

// Verified only when every entry is; a failed check outweighs one the browser could not do.
function overall(results) {
  if (results.length === 0 || results.some((r) => r.verdict === "failed")) return "refused";
  return results.some((r) => r.verdict === "unsupported") ? "unsupported" : "verified";
}

// Each entry's node and time lines, as the server rendered them, are replaced by the node and
// time of the entry the browser verified (the node's name is the answer's, which the check
// found to agree with the entry's node code); lines of an entry it did not verify keep the
// server's words and say that the browser did not confirm them.
function showEntryLines(results) {
  for (const lines of document.querySelectorAll("[data-entry]")) {
    const verified = results.find(
      (r) => r.verdict === "verified" && String(r.entry.index) === lines.dataset.entry,
    );
    for (const line of lines.querySelectorAll("[data-entry-field]")) {
      if (verified) showVerified(line, verified);
      line.dataset.checked = verified ? "verified" : "refused";
      const mark = document.createElement("span");
      mark.dataset.entryCheck = "";
      mark.textContent = pageString(STRINGS, verified ? "entry_checked" : "entry_not_confirmed");
      line.append(" ", mark);
    }
  }
}

function showVerified(line, { entry, fields }) {
  if (line.dataset.entryField === "node") {
    line.textContent = entry.node.name ? `${entry.node.name} (${fields.node})` : fields.node;
  } else {
    const time = document.createElement("time");
    time.dateTime = fields.time;
    time.textContent = courtTime(fields.time);
    line.replaceChildren(time);
  }
}
