import { api, el, clear, page, liveUpdates, health, gpuCount, worldMap, failure, massOfflineBanner } from '/console/app.js';

const content = document.getElementById('content');

function radius(gpus) {
  return 1.6 + Math.sqrt(gpus) * 0.9;
}

async function render() {
  let clusters, policies, banner;
  try {
    [clusters, policies, banner] = await Promise.all([api('/api/v1/clusters'), api('/api/v1/policies'), massOfflineBanner()]);
  } catch (e) {
    failure(content, e);
    return;
  }
  const byHealth = { ready: 0, offline: 0, unknown: 0 };
  const byJurisdiction = new Map();
  for (const c of clusters) {
    const h = health(c);
    byHealth[h]++;
    const row = byJurisdiction.get(c.jurisdiction) || { total: 0, ready: 0, offline: 0, unknown: 0, gpus: 0 };
    row.total++; row[h]++; row.gpus += gpuCount(c);
    byJurisdiction.set(c.jurisdiction, row);
  }
  const unsatisfied = policies.filter(p => !p.satisfied).length;
  const cards = el('div', { class: 'cards', id: 'counts' },
    el('div', { class: 'card', id: 'count-total' }, el('span', { class: 'n' }, clusters.length), 'clusters'),
    ...['ready', 'offline', 'unknown'].map(h =>
      el('div', { class: 'card ' + h, id: 'count-' + h }, el('span', { class: 'n' }, byHealth[h]), h)),
    el('div', { class: 'card', id: 'count-policies' }, el('span', { class: 'n' }, policies.length),
      'policies', unsatisfied ? el('span', { class: 'badge bad', style: 'margin-left:6px' }, unsatisfied + ' unsatisfied') : null));

  const points = clusters.map(c => ({
    id: c.id, lat: c.latitude, lon: c.longitude, r: radius(gpuCount(c)), cls: health(c),
    label: `${c.id} (${c.jurisdiction}) — ${health(c)}, ${gpuCount(c)} GPU`,
    href: '/cluster.html?id=' + encodeURIComponent(c.id),
  }));
  const unplaced = clusters.filter(c => c.latitude === null || c.longitude === null).length;
  const map = el('section', { class: 'panel', 'aria-labelledby': 'map-h' },
    el('h2', { id: 'map-h' }, 'Where the fleet runs'),
    worldMap(points, { label: `World map with ${points.length} clusters` }),
    el('div', { class: 'legend' },
      el('span', {}, el('i', { style: 'background:var(--ready)' }), 'ready'),
      el('span', {}, el('i', { style: 'background:var(--offline)' }), 'offline'),
      el('span', {}, el('i', { style: 'background:var(--unknown)' }), 'unknown'),
      el('span', {}, 'dot size: GPUs'),
      unplaced ? el('span', {}, unplaced + ' without a location') : null));

  const rows = [...byJurisdiction.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
  const table = el('section', { class: 'panel', 'aria-labelledby': 'jur-h' },
    el('h2', { id: 'jur-h' }, 'By jurisdiction'),
    el('table', { id: 'by-jurisdiction' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Jurisdiction'), el('th', { scope: 'col', class: 'num' }, 'Clusters'),
        el('th', { scope: 'col', class: 'num' }, 'Ready'), el('th', { scope: 'col', class: 'num' }, 'Offline'),
        el('th', { scope: 'col', class: 'num' }, 'Unknown'), el('th', { scope: 'col', class: 'num' }, 'GPUs'))),
      el('tbody', {}, rows.map(([j, r]) => el('tr', { 'data-jurisdiction': j },
        el('td', {}, el('a', { href: '/clusters.html?jurisdiction=' + encodeURIComponent(j) }, j)),
        el('td', { class: 'num' }, r.total), el('td', { class: 'num' }, r.ready), el('td', { class: 'num' }, r.offline),
        el('td', { class: 'num' }, r.unknown), el('td', { class: 'num' }, r.gpus))))));
  clear(content, banner, cards, el('div', { style: 'height:16px' }), map, table);
}

await page('overview', 'Overview');
await render();
liveUpdates(render);
