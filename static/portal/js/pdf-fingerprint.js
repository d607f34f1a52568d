// The pdf-text/v1 content fingerprint of a PDF, computed on the device in a worker
// (pdf-text-worker.js) with PDFium in WebAssembly, and the SHA-256 of each earlier revision
// the file could contain. Only fingerprints ever leave the page, never the file's bytes.

// The limits that keep a hostile or enormous PDF from hanging or crashing the page: the same
// page count as the server (tlog/fingerprint.py MAX_PAGES); a file size and a WebAssembly heap
// that a phone can hold; and a time after which the worker, and PDFium with it, is stopped.
export const LIMITS = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxPages: 2000,
  maxMemory: 1024 * 1024 * 1024,
  timeoutMs: 60_000,
});

/** The PDF's content fingerprint could not be computed; code names why (see the worker). */
export class PdfFingerprintError extends Error {
  constructor(code, detail = "") {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
  }
}

/**
 * Whether a file is a PDF to fingerprint: a %PDF- header in its first 1,024 bytes, as the
 * server decides (manage.py anchor); its name and type say nothing of its bytes.
 */
export async function looksLikePdf(file) {
  const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  return new TextDecoder("latin1").decode(head).includes("%PDF-");
}

/**
 * Resolves to {pages: [hex], content: "pdf-text/v1:<hex>" or null, revisions: [{length,
 * sha256}]}. onProgress(pagesDone, pageCount) is called after each page. Rejects with
 * PdfFingerprintError (code too_large, not_pdf, encrypted, too_many_pages, memory, timeout,
 * read or failed); aborting signal stops the worker at once and rejects with signal.reason.
 */
export function fingerprintPdf(file, { onProgress = () => {}, signal, limits = LIMITS } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = new Worker(new URL("./pdf-text-worker.js", import.meta.url), { type: "module" });
    const abort = () => finish(reject, signal.reason);
    const timer = setTimeout(
      () => finish(reject, new PdfFingerprintError("timeout")),
      limits.timeoutMs,
    );
    function finish(settle, value) {
      clearTimeout(timer);
      worker.terminate();
      signal?.removeEventListener("abort", abort);
      settle(value);
    }
    signal?.addEventListener("abort", abort, { once: true });
    worker.onmessage = ({ data }) => {
      if ("pagesDone" in data) onProgress(data.pagesDone, data.pageCount);
      else if ("result" in data) finish(resolve, data.result);
      else finish(reject, new PdfFingerprintError(data.error, data.detail));
    };
    // A worker that dies (out of memory in the browser itself) is a failure, never a hang.
    worker.onerror = (event) => {
      event.preventDefault();
      finish(reject, new PdfFingerprintError("failed", event.message));
    };
    const { maxBytes, maxPages, maxMemory } = limits;
    worker.postMessage({ file, maxBytes, maxPages, maxMemory });
  });
}
