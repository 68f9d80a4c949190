// The summary view's only script (loaded under a nonce CSP): filters and renders the packages table,
// and asks the extension to reveal digests or open embedded sources.
(function () {
  const vscode = acquireVsCodeApi();
  const ROW_LIMIT = 500;
  const packages = JSON.parse(document.getElementById('cie-packages').textContent || '[]');
  const haystack = packages.map((item) => [item.name, item.version, item.type, item.license, item.purl].filter(Boolean).join(' ').toLowerCase());
  const body = document.querySelector('#packages tbody');
  const shown = document.getElementById('shown');
  const filter = document.getElementById('filter');
  // Which statement this is (spec, digest, title), kept with the filter so VS Code can restore the panel.
  const identity = JSON.parse(document.body.dataset.state || '{}');
  const saved = vscode.getState() || {};
  vscode.setState({ ...identity, filter: saved.filter || '' });

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text || '';
    return td;
  }

  function render() {
    if (!body) return;
    const words = (filter.value || '').toLowerCase().split(/\s+/).filter(Boolean);
    const rows = document.createDocumentFragment();
    let matches = 0;
    for (let index = 0; index < packages.length; index++) {
      if (!words.every((word) => haystack[index].includes(word))) continue;
      matches++;
      if (matches > ROW_LIMIT) continue;
      const item = packages[index];
      const tr = document.createElement('tr');
      tr.title = item.purl || '';
      tr.append(cell(item.name), cell(item.version), cell(item.type), cell(item.license));
      rows.append(tr);
    }
    body.replaceChildren(rows);
    shown.textContent = matches > ROW_LIMIT ? `Showing the first ${ROW_LIMIT} of ${matches.toLocaleString('en-US')} matching packages: refine the filter to see the rest.` : `${matches.toLocaleString('en-US')} of ${packages.length.toLocaleString('en-US')} packages`;
    vscode.setState({ ...identity, filter: filter.value });
  }

  if (filter) {
    filter.value = saved.filter || '';
    let pending;
    filter.addEventListener('input', () => {
      clearTimeout(pending);
      pending = setTimeout(render, 120);
    });
    render();
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-digest], a[data-source]');
    if (!link) return;
    event.preventDefault();
    if (link.dataset.digest) vscode.postMessage({ type: 'reveal', digest: link.dataset.digest });
    else vscode.postMessage({ type: 'openSource', index: Number(link.dataset.source) });
  });
})();
