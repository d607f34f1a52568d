// What a file looks like from its first bytes, read on this device like its fingerprint: a PDF
// (what a court sends), a picture (a photo or a scan of a printed page, a screenshot), or
// something else; so that a check that fails can say when the file is probably the wrong one.

// A PDF's header may come after up to 1 KiB of other bytes (ISO 32000-2, 7.5.2), but in it.
const HEAD = 1024;
// Leading bytes of the picture formats a phone or a scanner makes: JPEG, PNG, GIF, BMP, TIFF.
const PICTURES = [
  [0xff, 0xd8, 0xff],
  [0x89, 0x50, 0x4e, 0x47],
  [0x47, 0x49, 0x46, 0x38],
  [0x42, 0x4d],
  [0x49, 0x49, 0x2a, 0x00],
  [0x4d, 0x4d, 0x00, 0x2a],
];
// ISO base media files of still pictures (HEIC, AVIF) name their brand after "ftyp" at 4.
const PICTURE_BRANDS = ["heic", "heix", "mif1", "avif"];

function startsWith(bytes, prefix, at = 0) {
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes) {
  return String.fromCharCode(...bytes);
}

function isPicture(file, head) {
  if (file.type.startsWith("image/")) return true;
  if (PICTURES.some((prefix) => startsWith(head, prefix))) return true;
  const text = ascii(head.subarray(0, 12));
  if (text.startsWith("RIFF") && text.slice(8, 12) === "WEBP") return true;
  return text.slice(4, 8) === "ftyp" && PICTURE_BRANDS.includes(text.slice(8, 12));
}

/** "pdf", "image" or "not_pdf"; "unknown" when the file can no longer be read. */
export async function fileKind(file) {
  let head;
  try {
    head = new Uint8Array(await file.slice(0, HEAD).arrayBuffer());
  } catch {
    return "unknown";
  }
  if (ascii(head).includes("%PDF-")) return "pdf";
  return isPicture(file, head) ? "image" : "not_pdf";
}

/** Shows, under root, the hint [data-wrong-file] for this kind of file, and hides the others. */
export function showWrongFileHint(root, kind) {
  for (const hint of root.querySelectorAll("[data-wrong-file]")) {
    hint.hidden = hint.dataset.wrongFile !== kind;
  }
}
