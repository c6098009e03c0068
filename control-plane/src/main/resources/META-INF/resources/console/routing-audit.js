// The routing audit (viewer): for the routed requests bound to a jurisdiction, which clusters served them, counted
// from the recorded routing receipts, and how many were served outside their allowed jurisdictions (always 0).
import { api, el, clear, page, failure, query } from '/console/app.js';

const content = document.getElementById('content');
const reportHolder = el('div', { id: 'routing-audit-report' });
/** Time ranges offered, in hours before now. */
const RANGES = [['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days'], ['720', 'Last 30 days']];
const filters = { jurisdiction: query('jurisdiction') || 'EU', hours: query('hours') || '24' };

function draw(report) {
  const outside = el('p', { id: 'routing-audit-outside', class: report.outsideAllowed === 0 ? 'ok-msg' : 'error' },
    el('strong', {}, String(report.outsideAllowed)), ' of ', String(report.requests),
    ' requests bound to ' + report.jurisdiction + ' were served outside their allowed jurisdictions.');
  if (report.clusters.length === 0) {
    clear(reportHolder, el('p', { class: 'muted', id: 'routing-audit-empty' },
      'No recorded requests bound to ' + report.jurisdiction + ' in this time range.'), outside);
    return;
  }
  clear(reportHolder,
    el('table', { id: 'routing-audit' },
      el('caption', { class: 'muted' }, 'From ' + report.from + ' to ' + report.to),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Serving cluster'), el('th', { scope: 'col' }, 'Jurisdiction'),
        el('th', { scope: 'col', class: 'num' }, 'Requests'))),
      el('tbody', {}, report.clusters.map(c => el('tr', { 'data-cluster': c.cluster },
        el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(c.cluster) }, c.cluster)),
        el('td', {}, c.jurisdiction || '-'),
        el('td', { class: 'num' }, String(c.requests)))))),
    outside);
}

async function load() {
  const from = new Date(Date.now() - Number(filters.hours) * 3600 * 1000).toISOString();
  const params = new URLSearchParams({ jurisdiction: filters.jurisdiction, from });
  try {
    draw(await api('/api/v1/routing/audit?' + params));
  } catch (e) {
    failure(reportHolder, e);
  }
}

function filterForm() {
  const submit = (ev) => {
    ev.preventDefault();
    filters.jurisdiction = ev.target.jurisdiction.value.trim() || 'EU';
    filters.hours = ev.target.hours.value;
    const url = new URL(location.href);
    for (const [k, v] of Object.entries(filters)) url.searchParams.set(k, v);
    history.replaceState(null, '', url);
    load();
  };
  return el('form', { id: 'routing-audit-filter', onsubmit: submit, 'aria-label': 'Choose the jurisdiction and time range' },
    el('div', { class: 'fields' },
      el('label', { for: 'ra-jurisdiction' }, 'Jurisdiction (code or group)',
        el('input', { id: 'ra-jurisdiction', name: 'jurisdiction', value: filters.jurisdiction, autocomplete: 'off',
          list: 'ra-jurisdictions', placeholder: 'EU' })),
      el('datalist', { id: 'ra-jurisdictions' }, ['EU', 'EEA', 'FIVE_EYES', 'GCC', 'US', 'IN', 'DE', 'FR'].map(j => el('option', { value: j }))),
      el('label', { for: 'ra-hours' }, 'Time range',
        el('select', { id: 'ra-hours', name: 'hours' }, RANGES.map(([h, label]) =>
          el('option', { value: h, selected: h === filters.hours ? true : null }, label))))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'routing-audit-apply' }, 'Show')));
}

await page('routing-audit', 'Routing audit');
clear(content,
  el('p', { class: 'muted' }, 'Every routed request, counted per minute from the claims of its signed routing receipt. '
    + 'Each routed answer carries its receipt in the X-Flotilla-Receipt header; a share of them is kept as evidence '
    + '(flotilla.router.receipts.record); see docs/routing.md.'),
  el('section', { class: 'panel' }, filterForm()),
  el('section', { class: 'panel', 'aria-labelledby': 'routing-audit-h' }, el('h2', { id: 'routing-audit-h' }, 'Where requests were served'),
    reportHolder));
await load();
