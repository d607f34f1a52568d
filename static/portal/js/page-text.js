// The page's own words. Every sentence a visitor reads is in the Django templates, translated
// there, inside <template> elements that scripts clone or read: no script holds text of its own.

/** A deep copy of the content of <template id="id">. */
export function cloneTemplate(id) {
  return document.getElementById(id).content.cloneNode(true);
}

/**
 * The text of [data-string="name"] in <template id="id">, with each {key} replaced by
 * values[key] (the templates render such placeholders with blocktranslate's `with`).
 */
export function pageString(id, name, values = {}) {
  const text = document.getElementById(id).content.querySelector(`[data-string="${name}"]`);
  return text.textContent.trim().replace(/\{(\w+)\}/g, (match, key) => values[key] ?? match);
}

/** Sets the text of every [data-slot="key"] under root to values[key]. */
export function fillSlots(root, values) {
  for (const [key, value] of Object.entries(values)) {
    for (const slot of root.querySelectorAll(`[data-slot="${key}"]`)) slot.textContent = value;
  }
}
