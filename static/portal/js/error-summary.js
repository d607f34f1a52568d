// The error summary (templates/portal/error_summary.html). The autofocus attribute focuses it
// as the page opens; once the page's other scripts have run (they may show sections above it,
// as the verify page's check by file, and push it out of view) it is brought back into view,
// and focused where autofocus was not honoured, so a screen reader reads it at once. Each of
// its links moves to its field and brings the field's label and message into view with it.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  const show = () => {
    summary.scrollIntoView({ block: "start" });
    if (document.activeElement !== summary) summary.focus({ preventScroll: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
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
