// The cluster table: one page of GET /api/v1/clusters at a time, in id order, filtered by the server.
import { api, apiPage, el, clear, page, liveUpdates, health, gpuCount, ago, query, failure, massOfflineBanner } from '/console/app.js';

const content = document.getElementById('content');

/** Rows per page: ?limit= (1 to the API's 1,000), else 100. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const HEALTHS = ['ready', 'degraded', 'offline', 'unknown'];

function pageSize() {
  const n = Number(query('limit'));
  return Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT ? n : DEFAULT_LIMIT;
}

const state = {
  clusters: [], // the page shown
  sort: 'id', dir: 1,
  jurisdiction: (query('jurisdiction') || '').trim().toUpperCase(),
  health: (query('health') || '').trim().toLowerCase(),
  label: query('label') || '',
  limit: pageSize(),
  pages: [null], // the continue token of each page up to the one shown; null: the first page
  next: null, // the X-Continue token of the page shown; null on the last page
  jurisdictions: new Set(), // for the filter: those seen on pages so far and those of the known sites
};

/** As the API judges it (and filters by): ready, degraded, offline or unknown. */
function healthOf(c) {
  return c.health ? c.health.toLowerCase() : health(c);
}

const COLUMNS = [
  ['id', 'Cluster', c => c.id],
  ['jurisdiction', 'Jurisdiction', c => c.jurisdiction],
  ['health', 'Health', c => healthOf(c)],
  ['gpus', 'GPUs', c => gpuCount(c)],
  ['gpuUtil', 'GPU utilisation', c => c.gpuUtilizationPercent ?? -1],
  ['workloads', 'Workloads', c => c.workloads.length],
  ['generation', 'Applied / desired', c => c.appliedGeneration - c.desiredGeneration],
  ['report', 'Last report', c => c.lastReportAt || ''],
];

/** The label filter as the API's label=key=value selectors (several separated by commas); null when one lacks its =. */
function labelSelectors(text) {
  const parts = text.split(',').map(s => s.trim()).filter(s => s);
  if (parts.some(p => !p.includes('='))) return null;
  return parts.map(p => {
    const eq = p.indexOf('=');
    return p.substring(0, eq).trim() + '=' + p.substring(eq + 1).trim();
  });
}

function listingPath(labels) {
  const params = new URLSearchParams({ limit: String(state.limit) });
  if (state.jurisdiction) params.set('jurisdiction', state.jurisdiction);
  if (state.health) params.set('health', state.health.toUpperCase());
  for (const l of labels) params.append('label', l);
  const token = state.pages[state.pages.length - 1];
  if (token) params.set('continue', token);
  return '/api/v1/clusters?' + params;
}

/** The page's clusters, sorted by the chosen column (the page only: the server pages in id order, kept for ties). */
function sorted() {
  const order = new Map(state.clusters.map((c, i) => [c, i]));
  const value = state.sort === 'id' ? (c => order.get(c)) : COLUMNS.find(c => c[0] === state.sort)[2];
  return [...state.clusters].sort((a, b) => {
    const x = value(a), y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * state.dir || order.get(a) - order.get(b);
  });
}

function shownText() {
  const n = state.clusters.length;
  const number = state.pages.length;
  if (n === 0 && number === 1) return '0 clusters shown: none match';
  const where = state.next ? `page ${number}, more on the next page` : number > 1 ? `page ${number}, the last` : null;
  return `${n} ${n === 1 ? 'cluster' : 'clusters'} shown` + (where ? ` (${where})` : '');
}

function table() {
  const rows = sorted();
  return el('div', {},
    el('p', { class: 'muted', id: 'shown', 'aria-live': 'polite' }, shownText()),
    el('table', { id: 'clusters' },
      el('thead', {}, el('tr', {}, COLUMNS.map(([key, label]) => el('th', {
        scope: 'col', class: ['gpus', 'gpuUtil', 'workloads'].includes(key) ? 'num' : null, 'aria-sort': state.sort === key ? (state.dir > 0 ? 'ascending' : 'descending') : null,
      }, el('button', { type: 'button', 'data-sort': key, onclick: () => { state.dir = state.sort === key ? -state.dir : 1; state.sort = key; draw(); } },
        label, state.sort === key ? (state.dir > 0 ? ' ▲' : ' ▼') : ''))))),
      el('tbody', {}, rows.map(c => el('tr', { 'data-cluster': c.id },
        el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(c.id) }, c.id), ' ',
          Object.entries(c.labels || {}).map(([k, v]) => el('span', { class: 'label' }, k + '=' + v))),
        el('td', { class: 'jurisdiction' }, c.jurisdiction),
        el('td', {}, el('span', { class: 'badge ' + healthOf(c) }, healthOf(c))),
        el('td', { class: 'num' }, gpuCount(c)),
        el('td', { class: 'num gpu-util', title: 'mean over its GPUs in the newest telemetry' }, c.gpuUtilizationPercent === null || c.gpuUtilizationPercent === undefined
          ? el('span', { class: 'muted' }, '—') : c.gpuUtilizationPercent.toFixed(0) + ' %'),
        el('td', { class: 'num' }, c.workloads.length),
        el('td', {}, `${c.appliedGeneration} / ${c.desiredGeneration}`, ' ',
          c.converged ? el('span', { class: 'badge ok' }, 'converged') : el('span', { class: 'badge warn' }, 'pending')),
        el('td', { class: 'last-report' }, ago(c.lastReportAt)))))),
    el('p', { class: 'muted note', id: 'sort-note' },
      `Pages hold up to ${state.limit} clusters in cluster id order; sorting by a column orders the clusters of this page only.`));
}

const tableHolder = el('div');
const bannerHolder = el('div');
const previousButton = el('button', { type: 'button', class: 'secondary', id: 'clusters-prev', onclick: previous }, '← Previous page');
const nextButton = el('button', { type: 'button', class: 'secondary', id: 'clusters-next', onclick: next }, 'Next page →');
const pager = el('nav', { class: 'actions pager', 'aria-label': 'Cluster pages' }, previousButton, nextButton);

function draw() {
  clear(tableHolder, table());
  previousButton.disabled = state.pages.length === 1;
  nextButton.disabled = !state.next;
}

function next() {
  if (!state.next) return;
  state.pages.push(state.next);
  state.next = null; // one click, one page
  load();
}

function previous() {
  if (state.pages.length === 1) return;
  state.pages.pop();
  load();
}

/** A changed filter starts again at the first page; the address keeps the filters for a reload or a link. */
function filterChanged() {
  state.pages = [null];
  state.next = null;
  const url = new URL(location.href);
  for (const key of ['jurisdiction', 'health', 'label']) {
    state[key] ? url.searchParams.set(key, state[key]) : url.searchParams.delete(key);
  }
  history.replaceState(null, '', url);
  load();
}

function jurisdictionOptions() {
  const values = [...new Set([...state.jurisdictions, ...(state.jurisdiction ? [state.jurisdiction] : [])])].sort();
  return [el('option', { value: '' }, 'all'), values.map(v => el('option', { value: v, selected: state.jurisdiction === v }, v))];
}

const jurisdictionSelect = el('select', { id: 'f-jurisdiction', onchange: (e) => { state.jurisdiction = e.target.value; filterChanged(); } });
let shownJurisdictions = -1;

/** Adds the jurisdictions a page brought (a subdivision with its country) to the filter's choices. */
function learnJurisdictions(clusters) {
  for (const c of clusters) {
    state.jurisdictions.add(c.jurisdiction);
    state.jurisdictions.add(c.jurisdiction.split('-')[0]);
  }
  if (state.jurisdictions.size !== shownJurisdictions) {
    shownJurisdictions = state.jurisdictions.size;
    clear(jurisdictionSelect, ...jurisdictionOptions());
    jurisdictionSelect.value = state.jurisdiction;
  }
}

function filters() {
  let typing = null;
  return el('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
    el('label', { for: 'f-jurisdiction' }, 'Jurisdiction', jurisdictionSelect),
    el('label', { for: 'f-health' }, 'Health',
      el('select', { id: 'f-health', onchange: (e) => { state.health = e.target.value; filterChanged(); } },
        el('option', { value: '' }, 'all'), HEALTHS.map(v => el('option', { value: v, selected: state.health === v }, v)))),
    el('label', { for: 'f-label' }, 'Label (key=value, several separated by commas)',
      el('input', { id: 'f-label', value: state.label, placeholder: 'tier=edge', oninput: (e) => {
        clearTimeout(typing);
        typing = setTimeout(() => { state.label = e.target.value; filterChanged(); }, 300);
      } })));
}

let loads = 0;

/** Loads the page shown (again, on a live update) with the filters, and the mass-offline banner. */
async function load() {
  const mine = ++loads;
  const labels = labelSelectors(state.label);
  if (labels === null) {
    clear(tableHolder, el('p', { class: 'error', role: 'alert', id: 'label-hint' },
      'A label filter is key=value, such as tier=edge; several are separated by commas and must all match.'));
    previousButton.disabled = nextButton.disabled = true;
    return;
  }
  let answer, banner;
  try {
    [answer, banner] = await Promise.all([apiPage(listingPath(labels)), massOfflineBanner()]);
  } catch (e) {
    if (mine === loads) {
      failure(tableHolder, e);
      previousButton.disabled = state.pages.length === 1;
      nextButton.disabled = true;
    }
    return;
  }
  if (mine !== loads) return; // a later filter or page change answers instead
  state.clusters = answer.items;
  state.next = answer.next;
  clear(bannerHolder, banner);
  learnJurisdictions(state.clusters);
  draw();
}

await page('clusters', 'Clusters');
try {
  for (const s of await api('/api/v1/sites')) {
    state.jurisdictions.add(s.country);
    if (s.subdivision) state.jurisdictions.add(s.subdivision);
  }
} catch (e) {
  // the pages' own jurisdictions still fill the filter
}
learnJurisdictions([]);
clear(content, bannerHolder, el('section', { class: 'panel' }, filters(), tableHolder, pager));
await load();
liveUpdates(load);
