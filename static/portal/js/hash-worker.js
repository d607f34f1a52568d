// A module worker that computes the SHA-256 of one File as it streams from disk, so the page
// stays responsive and memory holds only the stream's few chunks whatever the file's size.
// It receives {file}, posts {hashed: bytes so far} every PROGRESS_STEP bytes, then
// {sha256: hex} or {error: text}. The file is read here and nowhere else: its bytes never
// leave the device.
import "../vendor/hash-wasm/sha256.umd.min.js";

const { createSHA256 } = globalThis.hashwasm;
const PROGRESS_STEP = 4 * 1024 * 1024;

async function sha256Hex(file) {
  const hasher = await createSHA256();
  hasher.init();
  // file.stream() reads ahead while a chunk is hashed (measured: faster than reading
  // file.slice() chunks in turn, see benchmarks/bench_browser_hash.py).
  const reader = file.stream().getReader();
  let hashed = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    hashed += value.byteLength;
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
