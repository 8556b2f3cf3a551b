// The user page's key checker: POST /api/check-keys, results shown with textContent only.
const texts = JSON.parse(document.getElementById('checker-texts').textContent);
const form = document.getElementById('checker-form');
const table = document.getElementById('checker-results');
const errorBox = document.getElementById('checker-error');
const money = (n) => (n === null ? texts.unknown : `¥${n.toFixed(2)}`);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = form.querySelector('button');
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const res = await fetch('/api/check-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: document.getElementById('checker-text').value }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error?.message ?? res.statusText);
    table.tBodies[0].replaceChildren(
      ...data.results.map((r) => {
        const row = document.createElement('tr');
        for (const [text, cls] of [
          [r.maskedKey, ''],
          [texts.statuses[r.status] ?? r.status, `status status-${r.status}`],
          [money(r.totalBalance), ''],
        ]) {
          const cell = document.createElement('td');
          const span = document.createElement('span');
          span.textContent = text;
          if (cls) span.className = cls;
          if (r.error && cls) span.title = r.error;
          cell.append(span);
          row.append(cell);
        }
        return row;
      }),
    );
    table.hidden = false;
  } catch (err) {
    errorBox.textContent = err.message;
    errorBox.hidden = false;
  } finally {
    button.disabled = false;
  }
});
