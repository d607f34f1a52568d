// A drop zone around a labelled file input (keyboard users choose files with the input), and
// the hashing of the files it receives on this device, one after another, with a progress
// bar and a cancel button. Markup: templates/portal/file_drop.html.
import { hashFile, WHOLE_FILE_LIMIT } from "./file-hash.js";
import { fillSlots } from "./page-text.js";

// A file dropped outside the zone would make the browser open it in place of the page.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (event) => event.preventDefault());
}

/**
 * Calls onFiles(files) with the files dropped on, or chosen in, root's [data-drop-zone];
 * files arriving while a call is still running are ignored.
 */
export function acceptFiles(root, onFiles) {
  const zone = root.querySelector("[data-drop-zone]");
  const input = zone.querySelector("input[type=file]");
  let busy = false;
  async function take(files) {
    if (busy || files.length === 0) return;
    busy = true;
    try {
      await onFiles(files);
    } finally {
      busy = false;
    }
  }
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    take([...event.dataTransfer.files]);
  });
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = ""; // so that choosing the same file again is a new choice
    take(files);
  });
}

/**
 * Hashes files in turn, showing each one's progress in root's [data-hashing] panel (the
 * bytes read, then an indeterminate bar while a file read whole is hashed), and
 * awaits onHashed(file, sha256, signal) after each (signal aborts when the visitor cancels).
 * The panel's data-whole-file-limit, in bytes, replaces WHOLE_FILE_LIMIT. Resolves to true
 * when all were hashed, false when
 * the visitor cancelled; rejects with FileReadError if a file cannot be read.
 */
export async function hashEach(root, files, onHashed) {
  const panel = root.querySelector("[data-hashing]");
  const progress = panel.querySelector("progress");
  const cancel = panel.querySelector("[data-cancel]");
  const position = panel.querySelector("[data-position]");
  const { wholeFileLimit } = panel.dataset;
  const controller = new AbortController();
  const stop = () => controller.abort();
  cancel.addEventListener("click", stop);
  if (position) position.hidden = files.length < 2;
  const hadFocus = root.contains(document.activeElement);
  panel.hidden = false;
  if (hadFocus) cancel.focus();
  try {
    for (const [i, file] of files.entries()) {
      fillSlots(panel, { name: file.name, number: i + 1, count: files.length });
      progress.max = Math.max(file.size, 1);
      progress.value = 0;
      const sha256 = await hashFile(file, {
        signal: controller.signal,
        onProgress: (read) => {
          progress.value = read;
        },
        onDigesting: () => progress.removeAttribute("value"),
        wholeFileLimit: wholeFileLimit ? Number(wholeFileLimit) : WHOLE_FILE_LIMIT,
      });
      await onHashed(file, sha256, controller.signal);
    }
    return true;
  } catch (error) {
    if (controller.signal.aborted) return false;
    throw error;
  } finally {
    cancel.removeEventListener("click", stop);
    panel.hidden = true;
  }
}
