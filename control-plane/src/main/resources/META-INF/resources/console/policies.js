import { api, el, clear, page, liveUpdates, ago, failure, ApiError, diffView } from '/console/app.js';

const content = document.getElementById('content');
const listHolder = el('div', { id: 'policy-list' });
const result = el('div', { id: 'apply-result', 'aria-live': 'polite' });
const SAMPLE = `apiVersion: flotilla.io/v1alpha1
kind: FleetPolicy
metadata:
  name: chat-eu
spec:
  workload:
    model: meta-llama/Llama-3.1-8B-Instruct
    runtime: vllm
    image: vllm/vllm-openai:v0.8.5
    port: 8000
    resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
  placement:
    jurisdictions: [EU]
    minClusters: 1
    maxClusters: 3
  routing:
    alias: chat
`;

async function loadList() {
  let policies;
  try {
    policies = await api('/api/v1/policies');
  } catch (e) {
    failure(listHolder, e);
    return;
  }
  clear(listHolder, policies.length === 0 ? el('p', { class: 'muted' }, 'No policies yet: apply one below.') :
    el('table', { id: 'policies' },
      el('thead', {}, el('tr', {}, ['Policy', 'Revision', 'Alias', 'Model', 'Jurisdictions', 'Clusters', 'Updated'].map(t => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, policies.map(p => el('tr', { 'data-policy': p.name },
        el('td', {}, el('a', { href: '/policy.html?name=' + encodeURIComponent(p.name) }, p.name)),
        el('td', { class: 'num' }, p.revision),
        el('td', {}, p.alias || '—'),
        el('td', {}, p.model),
        el('td', {}, (p.jurisdictions || []).join(', ')),
        el('td', {}, p.chosenClusters + ' ', p.satisfied ? el('span', { class: 'badge ok' }, 'satisfied') : el('span', { class: 'badge bad' }, 'unsatisfied')),
        el('td', {}, ago(p.updatedAt)))))));
}

const ERROR_LINE = /^(.*?):(\d+):(\d+): (.*)$/;

/** The submitted text with line numbers, each error shown under its line. */
function annotated(text, details) {
  const byLine = new Map();
  const unplaced = [];
  for (const d of details) {
    const m = ERROR_LINE.exec(d);
    if (m) {
      const line = Number(m[2]);
      if (!byLine.has(line)) byLine.set(line, []);
      byLine.get(line).push({ column: Number(m[3]), message: m[4] });
    } else {
      unplaced.push(d);
    }
  }
  const lines = text.split('\n');
  return el('div', {},
    unplaced.length ? el('ul', { class: 'error' }, unplaced.map(u => el('li', {}, u))) : null,
    el('div', { class: 'source', id: 'annotated', role: 'list', 'aria-label': 'Policy source with errors' },
      lines.map((l, i) => {
        const errors = byLine.get(i + 1) || [];
        return el('div', { role: 'listitem' },
          el('div', { class: 'line' + (errors.length ? ' has-error' : ''), 'data-line': i + 1 },
            el('span', { class: 'no' }, i + 1), el('span', {}, l || ' ')),
          errors.map(e => el('span', { class: 'msg', 'data-error-line': i + 1 },
            el('button', { type: 'button', class: 'link', onclick: () => focusLine(i + 1, e.column) },
              `line ${i + 1}, column ${e.column}`), ': ' + e.message)));
      })));
}

function focusLine(line, column) {
  const area = document.getElementById('policy-yaml');
  const lines = area.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, column - 1);
  area.focus();
  area.setSelectionRange(offset, offset);
}

async function submit(dryRun) {
  const text = document.getElementById('policy-yaml').value;
  const source = document.getElementById('policy-source').value.trim() || 'console';
  clear(result, el('p', { class: 'muted' }, dryRun ? 'Checking…' : 'Applying…'));
  try {
    const answer = await api(`/api/v1/policies?dryRun=${dryRun}&source=${encodeURIComponent(source)}`,
      { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: text });
    clear(result,
      el('p', { class: 'ok-msg', role: 'status', id: 'apply-ok' }, dryRun ? 'Valid. Dry run: nothing was stored.' : 'Applied.'),
      el('table', { id: 'apply-results' },
        el('thead', {}, el('tr', {}, ['Policy', 'Action', 'Revision', 'Placement'].map(t => el('th', { scope: 'col' }, t)))),
        el('tbody', {}, answer.results.map(r => el('tr', { 'data-policy': r.name },
          el('td', {}, dryRun ? r.name : el('a', { href: '/policy.html?name=' + encodeURIComponent(r.name) }, r.name)),
          el('td', {}, r.action), el('td', { class: 'num' }, r.revision),
          el('td', {}, `${r.placement.chosen.length} chosen: ${r.placement.chosen.map(c => c.cluster).join(', ') || 'none'}`,
            r.placement.reason ? el('div', { class: 'muted' }, r.placement.reason) : null))))),
      answer.results.filter(r => r.diff).map(r => el('details', {}, el('summary', {}, 'Diff of ' + r.name), diffView(r.diff))));
    if (!dryRun) loadList();
    document.getElementById('apply-ok').scrollIntoView({ block: 'start' });
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      const details = e.body.details || [];
      clear(result, el('p', { class: 'error', role: 'alert', id: 'apply-error' }, e.message + (details.length ? ` (${details.length})` : '')),
        annotated(text, details));
      document.getElementById('apply-error').scrollIntoView({ block: 'start' });
    } else {
      failure(result, e);
    }
  }
}


const me = await page('policies', 'Policies');
const canApply = me.role !== 'viewer';
clear(content,
  el('section', { class: 'panel', 'aria-labelledby': 'list-h' }, el('h2', { id: 'list-h' }, 'Current policies'), listHolder),
  el('section', { class: 'panel', 'aria-labelledby': 'apply-h' },
    el('h2', { id: 'apply-h' }, 'Apply policies'),
    el('p', { class: 'muted' }, 'One or more YAML documents. Dry run validates and places without storing anything.'),
    el('form', { id: 'apply-form', onsubmit: (e) => { e.preventDefault(); submit(false); } },
      el('div', { class: 'filters' }, el('label', { for: 'policy-source' }, 'Source name (in error messages)', el('input', { id: 'policy-source', value: 'console.yaml' }))),
      el('label', { for: 'policy-yaml' }, 'Policy YAML',
        el('textarea', { id: 'policy-yaml', spellcheck: 'false', autocapitalize: 'off' }, SAMPLE)),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', id: 'dry-run', onclick: () => submit(true) }, 'Dry run'),
        el('button', { type: 'submit', id: 'apply', disabled: !canApply, title: canApply ? null : 'Viewers cannot apply' }, 'Apply'))),
    result));
await loadList();
liveUpdates(loadList);
