// "Verified in your browser": runs tlog-verify.js on each entry of an /api/v1/verify answer
// against the log pinned in the page, and tlog-policy.js on its checkpoint's cosignatures
// against the log's witness policy, and shows the outcome, step by step, with the key that
// signed and the witnesses that vouched. Markup and words:
// templates/portal/browser_check_templates.html and log_keys.html.
import { courtTime } from "./court-time.js";
import { ApiError, logPolicy } from "./log-api.js";
import { cloneTemplate, fillSlots, pageString } from "./page-text.js";
import { NONE, PolicyError, checkWitnesses, parsePolicy } from "./tlog-policy.js";
import { CheckFailed, Ed25519Unsupported, STEPS, checkProvenEntry } from "./tlog-verify.js";

const STRINGS = "browser-check-strings";

/**
 * The log this page trusts: {origin, verifierKeys, retired (a Map of each retired key to the
 * last tree size it signed, a decimal string), policyUrl, institutions (a Map of each policy
 * witness name to the name of the institution that runs it, in the page's language)}, from the
 * page's own #pinned-log data block (served with the page, as /log/keys lists them), never from
 * an answer it checks.
 */
export function pinnedLog() {
  const pinned = JSON.parse(document.getElementById("pinned-log").textContent);
  return {
    origin: pinned.origin,
    verifierKeys: pinned.verifier_keys,
    retired: new Map(Object.entries(pinned.retired)),
    policyUrl: pinned.policy_url,
    institutions: new Map(Object.entries(pinned.institutions)),
  };
}

let trusted = null;

// The pinned log and its witness policy, read once a page: `policy` is null when the log
// publishes none (404), as before there were witnesses; {unreadable: why} when it could not be
// read or does not parse, which fails the witnesses step rather than skip it.
function trustedLog() {
  trusted ??= (async () => {
    const log = pinnedLog();
    try {
      const text = await logPolicy(log.policyUrl);
      return { ...log, policy: text === null ? null : await parsePolicy(text) };
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof PolicyError)) throw error;
      return { ...log, policy: { unreadable: error.message } };
    }
  })();
  return trusted;
}

// The witnesses' tally with each cosigner named as the page names it: its institution where
// the log names one, else its name in the policy.
function named(log, tally) {
  const shown = (c) => ({ ...c, shown: log.institutions.get(c.witness) ?? c.witness });
  return { ...tally, cosigners: tally.cosigners.map(shown) };
}

async function witnessStep(log, note) {
  if (log.policy.unreadable !== undefined) {
    throw new CheckFailed("witnesses", log.policy.unreadable, "policy_unreadable");
  }
  try {
    return named(log, await checkWitnesses(log.policy, note));
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw new CheckFailed("witnesses", String(error));
    if (error.failure === "quorum") error.details = named(log, error.details);
    throw error;
  }
}

/**
 * Checks each proven entry against the file's SHA-256 (or {content: its content fingerprint},
 * for a copy of the same text) and the log pinned in the page, and, where
 * the log publishes a witness policy, its checkpoint's cosignatures against it. Resolves to one
 * result per entry: {entry, verdict: "verified" | "failed" | "unsupported", failed: the step
 * that failed or null, failure: which of its failures, reason: why (for developers), details:
 * what a failure's words need, key: who signed, fields: the verified entry as its bytes state
 * it, or null, policy: whether the log has a witness policy, witnessed: the witnesses' tally
 * (tlog-policy.js checkWitnesses, each cosigner with the name the page shows for it) or null}.
 */
export async function checkEntries(entries, expected) {
  const log = await trustedLog();
  const policy = log.policy !== null;
  const unverified = { failed: null, failure: null, details: null, key: null, fields: null };
  return Promise.all(
    entries.map(async (entry) => {
      const base = { ...unverified, entry, policy, witnessed: null };
      try {
        const { key, fields, note } = await checkProvenEntry(entry, expected, log);
        const witnessed = policy ? await witnessStep(log, note) : null;
        return { ...base, verdict: "verified", reason: null, key, fields, witnessed };
      } catch (error) {
        if (error instanceof Ed25519Unsupported) {
          return { ...base, verdict: "unsupported", reason: error.message };
        }
        if (!(error instanceof CheckFailed)) throw error;
        const { step, failure, message, details } = error;
        return { ...base, verdict: "failed", failed: step, failure, reason: message, details };
      }
    }),
  );
}

function stepStatus(result, step) {
  const here = STEPS.indexOf(step);
  if (result.verdict === "verified") return "passed";
  if (result.failed === null) return here < STEPS.indexOf("signature") ? "passed" : "not_checked";
  const at = STEPS.indexOf(result.failed);
  return here < at ? "passed" : here === at ? "failed" : "not_checked";
}

// A time of a cosignature (POSIX seconds, a BigInt) in the court's time zone.
function cosigned(seconds) {
  const milliseconds = Number(seconds) * 1000;
  if (!(milliseconds <= 8.64e15)) return `${seconds} s`; // past what a Date holds
  return courtTime(new Date(milliseconds));
}

/** The witnesses' tally in words: how many of how many vouched, who and when. */
function witnessWords(name, { cosigners, count, total, required }) {
  const each = cosigners.map((c) =>
    pageString(STRINGS, "cosigner", { name: c.shown, time: cosigned(c.timestamp) }),
  );
  const list = new Intl.ListFormat(document.documentElement.lang || "en", { type: "conjunction" });
  const names = each.length ? list.format(each) : pageString(STRINGS, "no_cosigner");
  return pageString(STRINGS, name, { count, total, required, names });
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
  if (!result.policy) article.querySelector('[data-step="witnesses"]').remove();
  if (result.failure === "retired_key") {
    const { lastSize, size } = result.details;
    const words = pageString(STRINGS, "retired_key", { last: lastSize, size });
    fillSlots(article, { retired_key: words });
  }
  if (result.failure === "quorum") {
    fillSlots(article, { quorum: witnessWords("quorum", result.details) });
  }
  if (result.key === null) article.querySelector("[data-signed-by]").remove();
  if (result.witnessed === null) {
    article.querySelector("[data-witnessed-by]").remove();
  } else if (result.witnessed.quorum === NONE) {
    fillSlots(article, { witnessed: pageString(STRINGS, "no_witness_required") });
  } else {
    fillSlots(article, { witnessed: witnessWords("witnessed", result.witnessed) });
  }
  fillSlots(article, { index: result.entry.index, key: result.key ?? "" });
  return view;
}

// A failure that has its own words in a table cell; the others are named by their step.
const FAILURE_SUMMARIES = { retired_key: "failed_retired_key" };

/** One line for a table cell: verified in the browser, or which step refused. */
export function summary(results) {
  const failed = results.find((result) => result.verdict === "failed");
  if (failed) {
    return pageString(STRINGS, FAILURE_SUMMARIES[failed.failure] ?? `failed_${failed.failed}`);
  }
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
