// The tokens page: a button that copies the new token, shown only where a script runs (the
// token's field stays selectable without one). The words are the template's.

const button = document.getElementById("copy-token");
const field = document.getElementById(button.dataset.copies);
const done = document.getElementById("copy-done");

async function copy() {
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    // No clipboard API here (or no permission): the field is selected for Ctrl+C instead.
    return;
  }
  done.hidden = false;
}

button.hidden = false;
button.addEventListener("click", copy);
