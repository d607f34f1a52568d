// A module worker that computes the pdf-text/v1 content fingerprint of one PDF (pdf-text.js,
// docs/pdf-text-v1.md) with PDFium compiled to WebAssembly (vendor/pdfium, the engine that
// pypdfium2 runs on the server), and the SHA-256 of each earlier revision the file could
// contain (its bytes up to a %%EOF). It receives {file, maxBytes, maxPages, maxMemory}, posts
// {pagesDone, pageCount} as it goes, then {result: {pages, content, revisions}} or
// {error: code}, code one of too_large, not_pdf, encrypted, too_many_pages, memory. The file's
// bytes are read here and never leave the device. The page that started it terminates it
// when it takes too long: one worker per file, so nothing survives a stopped extraction.
import "../vendor/hash-wasm/sha256.umd.min.js";
import { init } from "../vendor/pdfium/index.browser.js";
import { contentOf, pageFingerprint, revisionEnds, toHex, unicodeTables } from "./pdf-text.js";

const WASM_URL = new URL("../vendor/pdfium/pdfium.wasm", import.meta.url);
const TABLES_URL = new URL("./pdf-text-v1-tables.json", import.meta.url);
// PDFium's FPDF_GetLastError codes (fpdfview.h); any other failure to open is "not a PDF".
const FPDF_ERR_PASSWORD = 4;

class Refusal extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

// PDFium, with its heap refused beyond maxMemory: the module's own limit is 2 GiB, more than a
// phone can give a tab, so growth past the cap fails as an allocation failure inside PDFium,
// which aborts the call; the worker then reports "memory" rather than taking the page down.
// Emscripten's own messages go to a list, not to the console, since the page reports them.
async function loadPdfium(maxMemory, messages) {
  const [binary, tables] = await Promise.all([
    fetch(WASM_URL).then(okBytes),
    fetch(TABLES_URL).then((response) => response.json()),
  ]);
  const module = await init({
    wasmBinary: binary,
    print: (text) => messages.push(text),
    printErr: (text) => messages.push(text),
    instantiateWasm(imports, receive) {
      const grow = imports.env.emscripten_resize_heap;
      imports.env.emscripten_resize_heap = (size) => ((size >>> 0) > maxMemory ? 0 : grow(size));
      WebAssembly.instantiate(binary, imports).then(({ instance, module }) =>
        receive(instance, module),
      );
      return {};
    },
  });
  module.PDFiumExt_Init();
  return { pdfium: module, tables: unicodeTables(tables) };
}

async function okBytes(response) {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function pageText(pdfium, document, index) {
  const heap = pdfium.pdfium;
  const page = pdfium.FPDF_LoadPage(document, index);
  if (!page) throw new Refusal("not_pdf");
  try {
    const textPage = pdfium.FPDFText_LoadPage(page);
    if (!textPage) throw new Refusal("not_pdf");
    try {
      const count = pdfium.FPDFText_CountChars(textPage);
      if (count <= 0) return "";
      // As tlog/fingerprint.py: room for twice count + 1 UTF-16 units, the NUL included.
      const size = 2 * (2 * count + 2);
      const buffer = heap._malloc(size);
      if (!buffer) throw new Refusal("memory");
      try {
        const written = pdfium.FPDFText_GetText(textPage, 0, count, buffer);
        const units = Math.max(written - 1, 0);
        return new TextDecoder("utf-16le").decode(heap.HEAPU8.slice(buffer, buffer + 2 * units));
      } finally {
        heap._free(buffer);
      }
    } finally {
      pdfium.FPDFText_ClosePage(textPage);
    }
  } finally {
    pdfium.FPDF_ClosePage(page);
  }
}

async function fingerprint(bytes, { maxPages, maxMemory }) {
  const messages = [];
  const { pdfium, tables } = await loadPdfium(maxMemory, messages);
  const heap = pdfium.pdfium;
  const data = heap._malloc(bytes.length);
  if (!data) throw new Refusal("memory");
  heap.HEAPU8.set(bytes, data);
  const document = pdfium.FPDF_LoadMemDocument64(data, bytes.length, null);
  if (!document) {
    if (pdfium.FPDF_GetLastError() === FPDF_ERR_PASSWORD) throw new Refusal("encrypted");
    throw new Refusal("not_pdf");
  }
  try {
    const pageCount = pdfium.FPDF_GetPageCount(document);
    if (pageCount > maxPages) throw new Refusal("too_many_pages");
    const pages = [];
    for (let index = 0; index < pageCount; index++) {
      pages.push(await pageFingerprint(pageText(pdfium, document, index), tables));
      self.postMessage({ pagesDone: index + 1, pageCount });
    }
    return { pages: pages.map(toHex), content: await contentOf(pages) };
  } finally {
    pdfium.FPDF_CloseDocument(document);
    heap._free(data);
  }
}

// The SHA-256 of each prefix that ends at a %%EOF, in one pass: hash-wasm's state is saved
// at each end and finished on a copy, so the work is the file's length, not the sum of ends.
async function revisions(bytes) {
  const ends = revisionEnds(bytes);
  const hasher = await globalThis.hashwasm.createSHA256();
  const finisher = await globalThis.hashwasm.createSHA256();
  hasher.init();
  const found = [];
  let start = 0;
  for (const end of ends) {
    hasher.update(bytes.subarray(start, end));
    start = end;
    finisher.load(hasher.save());
    found.push({ length: end, sha256: finisher.digest("hex") });
  }
  return found;
}

self.onmessage = async ({ data: { file, maxBytes, maxPages, maxMemory } }) => {
  try {
    if (file.size > maxBytes) throw new Refusal("too_large");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { pages, content } = await fingerprint(bytes, { maxPages, maxMemory });
    self.postMessage({ result: { pages, content, revisions: await revisions(bytes) } });
  } catch (error) {
    if (error instanceof Refusal) self.postMessage({ error: error.code });
    // PDFium aborts (a WebAssembly RuntimeError) when an allocation past the cap fails.
    else if (error instanceof WebAssembly.RuntimeError) self.postMessage({ error: "memory" });
    else if (error instanceof DOMException && error.name === "NotReadableError") {
      self.postMessage({ error: "read" });
    } else self.postMessage({ error: "failed", detail: String(error) });
  }
};
