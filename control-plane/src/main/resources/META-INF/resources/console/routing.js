import { api, el, clear, page, worldMap, failure, ApiError, query } from '/console/app.js';

const content = document.getElementById('content');
const results = el('div', { id: 'route-result', 'aria-live': 'polite' });
const mapHolder = el('div', { id: 'route-map' });
let clusters = [];
let sites = [];
let picked = null; // {lat, lon} from a map click

function clientLocation() {
  const site = document.getElementById('r-site').value;
  if (site) {
    const s = sites.find(x => x.name === site);
    return s ? { lat: s.latitude, lon: s.longitude, label: 'site ' + s.name } : null;
  }
  return picked ? { lat: picked.lat, lon: picked.lon, label: `${picked.lat}, ${picked.lon}` } : null;
}

function drawMap(candidates = []) {
  const client = clientLocation();
  const rank = new Map(candidates.map((c, i) => [c.cluster, i]));
  const points = clusters.map(c => {
    const r = rank.get(c.id);
    return {
      id: c.id, lat: c.latitude, lon: c.longitude, r: r === undefined ? 1.6 : 2.6,
      cls: r === undefined ? 'other' : r === 0 ? 'best' : 'candidate', text: r === undefined ? null : String(r + 1),
      label: r === undefined ? c.id : `#${r + 1} ${c.id}`,
    };
  });
  const lines = client ? candidates.map((c, i) => {
    const cl = clusters.find(x => x.id === c.cluster);
    return cl && cl.latitude !== null ? { from: [client.lat, client.lon], to: [cl.latitude, cl.longitude], cls: i === 0 ? 'best' : '' } : null;
  }).filter(Boolean) : [];
  clear(mapHolder, worldMap(points, {
    label: 'Map: click to place the client', lines, marker: client,
    onPick: (lat, lon) => {
      picked = { lat, lon };
      document.getElementById('r-site').value = '';
      document.getElementById('r-where').textContent = `client at ${lat}, ${lon}`;
      drawMap();
    },
  }), el('p', { class: 'muted', id: 'r-where' }, client ? 'client at ' + client.label : 'Pick a site, or click the map to place the client.'));
}

async function route(e) {
  if (e) e.preventDefault();
  const model = document.getElementById('r-model').value.trim();
  const site = document.getElementById('r-site').value;
  const jurisdiction = document.getElementById('r-jurisdiction').value.trim();
  const params = new URLSearchParams({ model });
  if (site) params.set('site', site);
  else if (picked) { params.set('lat', picked.lat); params.set('lon', picked.lon); }
  if (jurisdiction) params.set('jurisdiction', jurisdiction);
  try {
    const r = await api('/api/v1/route?' + params);
    drawMap(r.candidates);
    clear(results,
      r.reason ? el('p', { class: 'error', id: 'route-reason' }, r.reason) : null,
      r.candidates.length === 0 ? el('p', { class: 'muted' }, 'No candidate.') :
        el('table', { id: 'candidates' },
          el('caption', { class: 'muted', style: 'text-align:left' }, `Ranked candidates for '${r.model}', best first`),
          el('thead', {}, el('tr', {}, ['#', 'Cluster', 'Jurisdiction', 'Estimated ms', 'Network ms', 'Load penalty ms', 'Measured', 'Policy', 'Endpoint']
            .map(t => el('th', { scope: 'col', class: /ms$|^#$/.test(t) ? 'num' : null }, t)))),
          el('tbody', {}, r.candidates.map((c, i) => el('tr', { 'data-cluster': c.cluster },
            el('td', { class: 'num' }, i + 1),
            el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(c.cluster) }, c.cluster)),
            el('td', {}, c.jurisdiction),
            el('td', { class: 'num' }, c.estimatedLatencyMs.toFixed(1)), el('td', { class: 'num' }, c.networkLatencyMs.toFixed(1)),
            el('td', { class: 'num' }, c.loadPenaltyMs.toFixed(1)), el('td', {}, c.measured ? 'yes' : 'estimated'),
            el('td', {}, c.policy), el('td', {}, c.endpoint))))));
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) {
      clear(results, el('p', { class: 'error', role: 'alert', id: 'route-error' }, err.message));
    } else {
      failure(results, err);
    }
  }
}

await page('routing', 'Routing playground');
try {
  [clusters, sites] = await Promise.all([api('/api/v1/clusters'), api('/api/v1/sites')]);
  const policies = await api('/api/v1/policies');
  const aliases = [...new Set(policies.map(p => p.alias).filter(Boolean))].sort();
  clear(content,
    el('section', { class: 'panel' },
      el('form', { class: 'filters', id: 'route-form', onsubmit: route },
        el('label', { for: 'r-site' }, 'Client site',
          el('select', { id: 'r-site', onchange: () => { picked = null; drawMap(); } },
            el('option', { value: '' }, '— map click —'),
            sites.map(s => el('option', { value: s.name, selected: s.name === query('site') }, `${s.name} (${s.country})`)))),
        el('label', { for: 'r-model' }, 'Model alias',
          el('input', { id: 'r-model', list: 'aliases', required: true, value: query('model') || aliases[0] || '' }),
          el('datalist', { id: 'aliases' }, aliases.map(a => el('option', { value: a })))),
        el('label', { for: 'r-jurisdiction' }, 'Jurisdictions (codes or groups, comma-separated)',
          el('input', { id: 'r-jurisdiction', placeholder: 'e.g. EU or DE,FR', value: query('jurisdiction') || '' })),
        el('button', { type: 'submit', id: 'route-button' }, 'Route')),
      mapHolder),
    el('section', { class: 'panel' }, el('h2', {}, 'Candidates'), results));
  drawMap();
} catch (e) {
  failure(content, e);
}
