import { api, el, clear, page, liveUpdates, health, gpuCount, ago, query, failure, massOfflineBanner } from '/console/app.js';

const content = document.getElementById('content');
const state = { clusters: [], sort: 'id', dir: 1, jurisdiction: query('jurisdiction') || '', health: query('health') || '', label: query('label') || '' };

const COLUMNS = [
  ['id', 'Cluster', c => c.id],
  ['jurisdiction', 'Jurisdiction', c => c.jurisdiction],
  ['health', 'Health', c => health(c)],
  ['gpus', 'GPUs', c => gpuCount(c)],
  ['gpuUtil', 'GPU utilisation', c => c.gpuUtilizationPercent ?? -1],
  ['workloads', 'Workloads', c => c.workloads.length],
  ['generation', 'Applied / desired', c => c.appliedGeneration - c.desiredGeneration],
  ['report', 'Last report', c => c.lastStatusAt || ''],
];

function matchesLabel(c, text) {
  if (!text) return true;
  const [k, v] = text.split('=').map(s => s.trim());
  return Object.entries(c.labels || {}).some(([lk, lv]) => v === undefined ? (lk.includes(k) || lv.includes(k)) : lk === k && lv === v);
}

function filtered() {
  const col = COLUMNS.find(c => c[0] === state.sort);
  return state.clusters
    .filter(c => !state.jurisdiction || c.jurisdiction === state.jurisdiction || c.jurisdiction.startsWith(state.jurisdiction + '-'))
    .filter(c => !state.health || health(c) === state.health)
    .filter(c => matchesLabel(c, state.label))
    .sort((a, b) => {
      const x = col[2](a), y = col[2](b);
      return (x < y ? -1 : x > y ? 1 : 0) * state.dir || a.id.localeCompare(b.id);
    });
}

function table() {
  const rows = filtered();
  return el('div', {},
    el('p', { class: 'muted', id: 'shown', 'aria-live': 'polite' }, `${rows.length} of ${state.clusters.length} clusters`),
    el('table', { id: 'clusters' },
      el('thead', {}, el('tr', {}, COLUMNS.map(([key, label]) => el('th', {
        scope: 'col', class: ['gpus', 'gpuUtil', 'workloads'].includes(key) ? 'num' : null, 'aria-sort': state.sort === key ? (state.dir > 0 ? 'ascending' : 'descending') : null,
      }, el('button', { type: 'button', 'data-sort': key, onclick: () => { state.dir = state.sort === key ? -state.dir : 1; state.sort = key; draw(); } },
        label, state.sort === key ? (state.dir > 0 ? ' ▲' : ' ▼') : ''))))),
      el('tbody', {}, rows.map(c => el('tr', { 'data-cluster': c.id },
        el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(c.id) }, c.id), ' ',
          Object.entries(c.labels || {}).map(([k, v]) => el('span', { class: 'label' }, k + '=' + v))),
        el('td', {}, c.jurisdiction),
        el('td', {}, el('span', { class: 'badge ' + health(c) }, health(c))),
        el('td', { class: 'num' }, gpuCount(c)),
        el('td', { class: 'num gpu-util', title: 'mean over its GPUs in the newest telemetry' }, c.gpuUtilizationPercent === null || c.gpuUtilizationPercent === undefined
          ? el('span', { class: 'muted' }, '—') : c.gpuUtilizationPercent.toFixed(0) + ' %'),
        el('td', { class: 'num' }, c.workloads.length),
        el('td', {}, `${c.appliedGeneration} / ${c.desiredGeneration}`, ' ',
          c.converged ? el('span', { class: 'badge ok' }, 'converged') : el('span', { class: 'badge warn' }, 'pending')),
        el('td', {}, ago(c.lastStatusAt)))))));
}

let tableHolder;
let bannerHolder;

function draw() {
  clear(tableHolder, table());
}

function filters() {
  const jurisdictions = [...new Set(state.clusters.map(c => c.jurisdiction))].sort();
  const select = (id, label, values, key) => el('label', { for: id }, label,
    el('select', { id, onchange: (e) => { state[key] = e.target.value; draw(); } },
      el('option', { value: '' }, 'all'), values.map(v => el('option', { value: v, selected: state[key] === v }, v))));
  return el('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
    select('f-jurisdiction', 'Jurisdiction', jurisdictions, 'jurisdiction'),
    select('f-health', 'Health', ['ready', 'offline', 'unknown'], 'health'),
    el('label', { for: 'f-label' }, 'Label (key or key=value)',
      el('input', { id: 'f-label', value: state.label, oninput: (e) => { state.label = e.target.value; draw(); } })));
}

async function load() {
  let banner;
  try {
    [state.clusters, banner] = await Promise.all([api('/api/v1/clusters'), massOfflineBanner()]);
  } catch (e) {
    failure(content, e);
    return;
  }
  if (!tableHolder) {
    tableHolder = el('div');
    bannerHolder = el('div');
    clear(content, bannerHolder, el('section', { class: 'panel' }, filters(), tableHolder));
  }
  clear(bannerHolder, banner);
  draw();
}

await page('clusters', 'Clusters');
await load();
liveUpdates(load);
