// The error summary (templates/portal/error_summary.html): focused as the page opens, where
// the autofocus attribute was not honoured, so a screen reader reads it at once; each of its
// links moves to its field and brings the field's label and message into view with it.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    (label ?? field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}
