// @ts-check
// Copy buttons: <button class="copy" data-copy="#element-id" data-done="Copied">. No inline scripts (CSP).
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button.copy') : null;
  if (button instanceof HTMLButtonElement) void copy(button);
});

/**
 * Copies the text of the button's target; where the clipboard is refused (plain HTTP, no
 * permission), selects it instead so that Ctrl+C does the rest.
 * @param {HTMLButtonElement} button
 */
async function copy(button) {
  const source = document.querySelector(button.dataset.copy ?? '');
  if (!source) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText((source.textContent ?? '').trim());
    button.textContent = button.dataset.done || label;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }
  setTimeout(() => (button.textContent = label), 1500);
}
