// The SHA-256 of a File, computed on the device in a worker (hash-worker.js): only the
// fingerprint ever leaves the page, never the file's bytes.

/** The file could not be read (moved, deleted, changed or unreadable while it was hashed). */
export class FileReadError extends Error {}

/**
 * Resolves to the lower-case hex SHA-256 of file. onProgress(bytesHashed, fileSize) is called
 * as the file is read (every few MiB, and at the end). Rejects with FileReadError if the file
 * cannot be read; aborting signal stops the worker at once and rejects with signal.reason.
 */
export function hashFile(file, { onProgress = () => {}, signal } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const worker = new Worker(new URL("./hash-worker.js", import.meta.url), { type: "module" });
    const abort = () => finish(reject, signal.reason);
    function finish(settle, value) {
      worker.terminate();
      signal?.removeEventListener("abort", abort);
      settle(value);
    }
    signal?.addEventListener("abort", abort, { once: true });
    worker.onmessage = ({ data }) => {
      if ("hashed" in data) onProgress(data.hashed, file.size);
      else if ("sha256" in data) finish(resolve, data.sha256);
      else finish(reject, new FileReadError(data.error));
    };
    worker.onerror = (event) => finish(reject, new Error(`hash worker: ${event.message}`));
    worker.postMessage({ file });
  });
}
