import type { NamedDigest, SummaryModel } from './summaryModel';

/** Where the page's own resources are, as the webview can load them, and the CSP values. */
export interface PageResources {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** What the page keeps with setState so the panel can be restored after a reload. */
  state?: object;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The summary page. Everything but the packages table is rendered here; the packages go in a JSON
 * data block that the page's script filters and renders (a 50k-row table would be too slow as
 * HTML). The CSP allows only our stylesheet and our nonce'd script: no inline code, no remote loads.
 */
export function summaryHtml(model: SummaryModel, resources: PageResources): string {
  const { cspSource, nonce } = resources;
  const sections = [header(model), problems(model), digestTable('Subjects', 'The images this statement is about.', model.subjects), facts(model), digestTable('Materials', 'What the build used; digests this source holds link to their rows.', model.materials ?? []), keyValues('Build args', model.buildArgs ?? []), sources(model), licences(model), packages(model)];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src ${cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${resources.styleUri}">
<title>${escapeHtml(model.title)}</title>
</head>
<body data-state="${escapeHtml(JSON.stringify(resources.state ?? {}))}">
${sections.filter(Boolean).join('\n')}
<script type="application/json" id="cie-packages">${model.packages ? JSON.stringify(model.packages).replace(/</g, '\\u003c') : '[]'}</script>
<script nonce="${nonce}" src="${resources.scriptUri}"></script>
</body>
</html>`;
}

function header(model: SummaryModel): string {
  const details = [model.format, model.predicateType, model.envelopes.length ? `signed envelope: ${model.envelopes.join(', ')}` : ''].filter((part): part is string => Boolean(part));
  return `<header><h1>${escapeHtml(model.label)}</h1><p class="muted">${details.map(escapeHtml).join(' · ')}</p></header>`;
}

function problems(model: SummaryModel): string {
  if (model.problems.length === 0) return '';
  return `<section class="problems" aria-label="Problems"><h2>Problems</h2><ul>${model.problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('')}</ul></section>`;
}

function digestCell(entry: NamedDigest): string {
  if (!entry.digest) return '<span class="muted">no digest</span>';
  const code = `<code title="${escapeHtml(entry.digest)}">${escapeHtml(entry.digest.length > 27 ? `${entry.digest.slice(0, 19)}…` : entry.digest)}</code>`;
  if (entry.inSource === undefined) return `${code} <span class="muted">not in this source</span>`;
  return `<a href="#" class="digest" data-digest="${escapeHtml(entry.digest)}" title="Reveal ${escapeHtml(entry.digest)} in the Images view">${code}</a> <span class="badge">in this source${entry.inSource ? ` · ${escapeHtml(entry.inSource)}` : ''}</span>`;
}

function digestTable(title: string, help: string, entries: NamedDigest[]): string {
  if (entries.length === 0) return '';
  const rows = entries.map((entry) => `<tr><td class="wrap">${escapeHtml(entry.name || '(unnamed)')}</td><td>${digestCell(entry)}</td></tr>`).join('');
  return `<section><h2>${title} <span class="count">${entries.length}</span></h2><p class="muted">${help}</p><table><thead><tr><th>Name</th><th>Digest</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function keyValues(title: string, entries: Array<[string, string]>): string {
  if (entries.length === 0) return '';
  const rows = entries.map(([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td class="wrap">${escapeHtml(value)}</td></tr>`).join('');
  return `<section><h2>${title}</h2><table class="facts"><tbody>${rows}</tbody></table></section>`;
}

function facts(model: SummaryModel): string {
  return model.facts ? keyValues('Build', model.facts) : '';
}

function sources(model: SummaryModel): string {
  if (!model.sources?.length) return '';
  const items = model.sources.map((source) => `<li><a href="#" class="source" data-source="${source.index}">${escapeHtml(source.filename)}</a> <span class="muted">${escapeHtml(source.language ?? '')} embedded by BuildKit</span></li>`).join('');
  return `<section><h2>Embedded sources</h2><ul>${items}</ul></section>`;
}

function licences(model: SummaryModel): string {
  if (!model.licences?.length) return '';
  const rows = model.licences.map(({ licence, count }) => `<tr><td class="wrap">${escapeHtml(licence)}</td><td class="number">${count.toLocaleString('en-US')}</td></tr>`).join('');
  return `<section><h2>Licences <span class="count">${model.licences.length}</span></h2><table class="licences"><thead><tr><th>Licence</th><th class="number">Packages</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function packages(model: SummaryModel): string {
  if (!model.packages) return '';
  return `<section><h2>Packages <span class="count">${model.packages.length.toLocaleString('en-US')}</span></h2>
<label for="filter" class="filter">Filter <input id="filter" type="search" placeholder="name, version, type, licence or purl" autocomplete="off"></label>
<p id="shown" class="muted" aria-live="polite"></p>
<table id="packages"><thead><tr><th>Name</th><th>Version</th><th>Type</th><th>Licence</th></tr></thead><tbody></tbody></table></section>`;
}
