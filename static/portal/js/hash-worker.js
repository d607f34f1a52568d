// A module worker that computes the SHA-256 of one File as it streams from disk, so the page
// stays responsive and memory holds one buffer whatever the file's size. It receives {file},
// posts {hashed: bytes so far} every PROGRESS_STEP bytes, then {sha256: hex} or {error: text}.
// The file is read here and nowhere else: its bytes never leave the device.
import "../vendor/hash-wasm/sha256.umd.min.js";

const { createSHA256 } = globalThis.hashwasm;
// Measured by benchmarks/bench_browser_hash.py and its notes in RESULTS.md: one reused 4 MiB
// buffer read through a BYOB reader hashes faster than file.stream()'s own chunks or
// file.slice() chunks, and leaves the garbage collector nothing to gather.
const BUFFER_SIZE = 4 * 1024 * 1024;
const PROGRESS_STEP = 4 * 1024 * 1024;

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

async function sha256Hex(file) {
  const hasher = await createSHA256();
  hasher.init();
  let hashed = 0;
  let reported = 0;
  for await (const chunk of chunksOf(file)) {
    hasher.update(chunk);
    hashed += chunk.byteLength;
    if (hashed - reported >= PROGRESS_STEP) {
      self.postMessage({ hashed });
      reported = hashed;
    }
  }
  if (hashed !== file.size) throw new Error("the file changed while it was read");
  self.postMessage({ hashed });
  return hasher.digest("hex");
}

self.onmessage = async ({ data: { file } }) => {
  try {
    self.postMessage({ sha256: await sha256Hex(file) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
