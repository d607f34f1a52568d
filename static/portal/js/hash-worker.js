// A module worker that computes the SHA-256 of one File, so the page stays responsive. It
// receives {file, wholeFileLimit}; posts {read: bytes so far} every PROGRESS_STEP bytes, then
// {digesting: true} if the file was read whole and is now hashed in one call, then
// {sha256: hex}, or {error: text} if the file could not be read, or {failure: text} if
// hash-wasm could not be loaded. The file is read here and nowhere else: its bytes never
// leave the device.
//
// Two ways, measured by benchmarks/bench_browser_hash.py (RESULTS.md): WebAssembly cannot use
// the CPU's SHA instructions and WebCrypto's digest does, but WebCrypto hashes only a whole
// buffer, which it copies first. So a file up to wholeFileLimit bytes is read whole and
// hashed by WebCrypto; a larger one streams through hash-wasm, one buffer at a time, so that
// memory stays flat whatever its size. WebCrypto exists only in a secure context (HTTPS or
// loopback): elsewhere every file streams.

// One reused 4 MiB buffer read through a BYOB reader hashes faster than file.stream()'s own
// chunks or file.slice() chunks, and leaves the garbage collector nothing to gather.
const BUFFER_SIZE = 4 * 1024 * 1024;
const PROGRESS_STEP = 4 * 1024 * 1024;

const changed = () => new Error("the file changed while it was read");

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Yields the file's bytes in order: into one reused buffer where Blob streams are byte
// streams, else in the chunks the browser's stream gives.
async function* chunksOf(file) {
  const stream = file.stream();
  let reader;
  try {
    reader = stream.getReader({ mode: "byob" });
  } catch {
    const chunks = stream.getReader();
    for (;;) {
      const { done, value } = await chunks.read();
      if (done) return;
      yield value;
    }
  }
  let buffer = new ArrayBuffer(BUFFER_SIZE);
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(buffer));
    if (done) return;
    yield value; // hashed before the next read reuses its buffer
    buffer = value.buffer;
  }
}

async function streamed(file) {
  const hasher = await globalThis.hashwasm.createSHA256();
  hasher.init();
  let hashed = 0;
  let reported = 0;
  for await (const chunk of chunksOf(file)) {
    hasher.update(chunk);
    hashed += chunk.byteLength;
    if (hashed - reported >= PROGRESS_STEP) {
      self.postMessage({ read: hashed });
      reported = hashed;
    }
  }
  if (hashed !== file.size) throw changed();
  self.postMessage({ read: hashed });
  return hasher.digest("hex");
}

// Reads the file into one buffer (a byte more than its size, so that a file grown since it
// was chosen shows), then hashes it with WebCrypto in one call.
async function whole(file) {
  let buffer = new ArrayBuffer(file.size + 1);
  const reader = file.stream().getReader({ mode: "byob" });
  let read = 0;
  let reported = 0;
  for (;;) {
    const step = Math.min(PROGRESS_STEP, buffer.byteLength - read);
    const { done, value } = await reader.read(new Uint8Array(buffer, read, step));
    buffer = value.buffer; // the read took ours; even the last one hands it back, emptied
    if (done) break;
    read += value.byteLength;
    if (read > file.size) throw changed();
    if (read - reported >= PROGRESS_STEP) {
      self.postMessage({ read });
      reported = read;
    }
  }
  if (read !== file.size) throw changed();
  self.postMessage({ read });
  self.postMessage({ digesting: true });
  return hex(await crypto.subtle.digest("SHA-256", new Uint8Array(buffer, 0, read)));
}

self.onmessage = async ({ data: { file, wholeFileLimit } }) => {
  const byWebCrypto = file.size <= wholeFileLimit && self.crypto?.subtle !== undefined;
  if (!byWebCrypto) {
    try {
      await import("../vendor/hash-wasm/sha256.umd.min.js"); // only where it is used
    } catch (error) {
      self.postMessage({ failure: `hash-wasm: ${error}` }); // the page's fault, not the file's
      return;
    }
  }
  try {
    self.postMessage({ sha256: await (byWebCrypto ? whole(file) : streamed(file)) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
