// The SHA-256 of a File, computed on the device in a worker (hash-worker.js): only the
// fingerprint ever leaves the page, never the file's bytes.

/**
 * Files up to this size are read whole and hashed by WebCrypto, which uses the CPU's SHA
 * instructions; larger ones stream through WebAssembly, which cannot, so that the memory a
 * file takes stays bounded (WebCrypto copies what it hashes: twice this, at most).
 */
export const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

/** The file could not be read (moved, deleted, changed or unreadable while it was hashed). */
export class FileReadError extends Error {}

/**
 * Resolves to the lower-case hex SHA-256 of file. onProgress(bytesRead, fileSize) is called
 * as the file is read (every few MiB, and at the end); onDigesting() once a file read whole is
 * being hashed in one call, which tells nothing more until it ends. Rejects with
 * FileReadError if the file cannot be read; aborting signal rejects at once with
 * signal.reason and terminates the worker (one in WebCrypto's digest ends, and frees the file's
 * memory, when that call returns). wholeFileLimit: see WHOLE_FILE_LIMIT.
 */
export function hashFile(
  file,
  { onProgress = () => {}, onDigesting = () => {}, signal, wholeFileLimit = WHOLE_FILE_LIMIT } = {},
) {
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
      if ("read" in data) onProgress(data.read, file.size);
      else if ("digesting" in data) onDigesting();
      else if ("sha256" in data) finish(resolve, data.sha256);
      else if ("failure" in data) finish(reject, new Error(`hash worker: ${data.failure}`));
      else finish(reject, new FileReadError(data.error));
    };
    worker.onerror = (event) => finish(reject, new Error(`hash worker: ${event.message}`));
    worker.postMessage({ file, wholeFileLimit });
  });
}
