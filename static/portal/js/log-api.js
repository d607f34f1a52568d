// The portal's calls to the REST API (judicial_verify/api), and the log's published witness
// policy: only fingerprints are sent.

/** The server could not be reached or refused the request. */
export class ApiError extends Error {}

// Resolves to the JSON answer, or to `notFound` when given and the answer is a 404.
async function request(url, init = {}, notFound = undefined) {
  let response;
  try {
    response = await fetch(new URL(url, location.href), {
      ...init,
      headers: { Accept: "application/json", ...init.headers },
    });
  } catch (error) {
    throw new ApiError(String(error));
  }
  if (response.status === 404 && notFound !== undefined) return notFound;
  if (!response.ok) throw new ApiError(`${response.url}: HTTP ${response.status}`);
  return response.json();
}

/** The /api/v1/verify answer for a SHA-256: entries with proofs and checkpoints, and keys. */
export function verifyBySha256(verifyUrl, sha256) {
  const url = new URL(verifyUrl, location.href);
  url.searchParams.set("sha256", sha256);
  return request(url);
}

/**
 * The /api/v1/verify answer for a file's SHA-256 and what was computed from a PDF: its content
 * fingerprint and its earlier revisions' SHA-256, so that a copy of an anchored document's
 * text or an update of one is answered as such (outcome, matching_entries).
 */
export function verifyByCopy(verifyUrl, sha256, { content, revisions = [] }) {
  const url = new URL(verifyUrl, location.href);
  url.searchParams.set("sha256", sha256);
  if (content) url.searchParams.set("content", content);
  for (const revision of revisions) url.searchParams.append("revision", revision);
  return request(url);
}

/**
 * The /api/v1/verify answer for a file that should be record `index`, with its page
 * fingerprints (a JSON POST: a GET has no room for 2,000 of them): content_differs then names
 * the pages whose text differs. Sent without cookies: the answer is the public's, and an
 * anonymous POST needs no CSRF token.
 */
export function verifyNamedCopy(verifyUrl, sha256, index, copy) {
  return request(verifyUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sha256, index: Number(index), ...copy }),
    credentials: "omit",
  });
}

/** The entry with this record number, or null if the log has none. */
export function entryByIndex(entryUrlPattern, index) {
  return request(entryUrlPattern.replace("INDEX", index), {}, null);
}

/**
 * POST .../codes/CODE/check: is the file with this SHA-256 the served document? `copy` adds
 * what was computed from a PDF (content, revisions, pages) to tell copies and updates apart.
 */
export function checkServedDocument(checkUrl, sha256, csrfToken, copy = {}) {
  return request(checkUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify({ sha256, ...copy }),
    credentials: "same-origin",
  });
}

/** The log's witness policy (C2SP tlog-policy) as text, or null when it has none (404). */
export async function logPolicy(url) {
  let response;
  let text;
  try {
    response = await fetch(new URL(url, location.href), { headers: { Accept: "text/plain" } });
    // Read whatever the answer, so the request ends: one left unread stays open in the browser.
    text = await response.text();
  } catch (error) {
    throw new ApiError(String(error));
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(`${response.url}: HTTP ${response.status}`);
  return text;
}
