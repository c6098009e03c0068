import { api, el, clear, page, liveUpdates, ago, failure, copyButton, errorBox, revokeButton } from '/console/app.js';

const content = document.getElementById('content');
const listHolder = el('div', { id: 'enrollment-list' });
const result = el('div', { id: 'enroll-result', 'aria-live': 'polite' });

/** "tier=edge, gpu=l4" to {tier: "edge", gpu: "l4"}; throws on an entry without '='. */
function parseLabels(text) {
  const labels = {};
  for (const part of text.split(/[,\n]/).map(s => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`label "${part}" is not key=value`);
    labels[part.substring(0, eq).trim()] = part.substring(eq + 1).trim();
  }
  return labels;
}

function field(id, label, control, hint) {
  return el('label', { for: id }, label, control, hint ? el('span', { class: 'hint', id: id + '-hint' }, hint) : null);
}

async function loadList() {
  let list;
  try {
    list = await api('/api/v1/enrollments');
  } catch (e) {
    failure(listHolder, e);
    return;
  }
  clear(listHolder, list.length === 0 ? el('p', { class: 'muted' }, 'No enrollments yet.') :
    el('table', { id: 'enrollments' },
      el('thead', {}, el('tr', {}, ['Cluster', 'Jurisdiction', 'Location', 'Labels', 'Agent', 'Enrolled', 'State', ''].map(t => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, list.map(e => el('tr', { 'data-cluster': e.clusterId, 'data-enrollment': e.id },
        el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(e.clusterId) }, e.clusterId)),
        el('td', {}, e.jurisdiction || '—'),
        el('td', { class: 'num' }, e.latitude === null ? '—' : `${e.latitude}, ${e.longitude}`),
        el('td', {}, Object.entries(e.labels || {}).map(([k, v]) => el('span', { class: 'label' }, k + '=' + v))),
        el('td', {}, e.agentConnected ? el('span', { class: 'badge ok' }, 'connected') : el('span', { class: 'badge unknown' }, 'waiting')),
        el('td', {}, ago(e.createdAt), el('span', { class: 'muted' }, ' by ' + e.createdBy)),
        el('td', {}, el('span', { class: 'badge ' + ({ enrolled: 'ok', pending: 'unknown', expired: 'unknown', revoked: 'bad' }[e.state] || 'unknown'),
          title: e.state === 'pending' ? 'token valid until ' + e.tokenExpiresAt : e.agentKeyId ? 'agent key ' + e.agentKeyId : '' }, e.state)),
        el('td', {}, e.state === 'revoked' || e.state === 'expired' ? '' : revokeButton(e.clusterId,
          `Revoke the enrollment of ${e.clusterId}? Its agent is disconnected at once and refused from then on.`, '/api/v1/enrollments/' + encodeURIComponent(e.id), loadList)))))));
}

function showEnrolled(r) {
  clear(result, el('section', { class: 'panel', id: 'snippet-panel', 'aria-labelledby': 'snippet-h' },
    el('h2', { id: 'snippet-h' }, `Cluster ${r.enrollment.clusterId} enrolled`),
    el('p', { class: 'ok-msg', id: 'enroll-ok' }, 'The cluster is registered and shows as unknown until its agent connects. ',
      el('strong', {}, 'The bootstrap token below is shown only now and works once'),
      ': on its first start the agent exchanges it, with a key it makes for itself, for its own credentials.'),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Bootstrap token'), el('dd', {}, el('code', { id: 'bootstrap-token' }, r.bootstrapToken)),
      el('dt', {}, 'Valid until'), el('dd', {}, r.enrollment.tokenExpiresAt),
      el('dt', {}, 'Control plane URL'), el('dd', {}, el('code', {}, r.controlPlaneUrl))),
    el('div', { class: 'actions' }, el('h3', {}, 'Install snippet'), copyButton(r.snippet, { id: 'copy-snippet', label: 'Copy snippet' })),
    el('pre', { id: 'snippet', tabindex: '0', 'aria-label': 'Agent install snippet' }, r.snippet),
    el('div', { class: 'actions' }, el('h3', {}, 'Device start command'), copyButton(r.startCommand, { id: 'copy-command', label: 'Copy command' })),
    el('pre', { id: 'start-command', tabindex: '0', 'aria-label': 'Device start command' }, r.startCommand)));
}

function form(sites) {
  const errors = el('div', { id: 'enroll-error', role: 'alert' });
  const submit = async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    clear(errors);
    let body;
    try {
      body = { clusterId: f.clusterId.value.trim(), jurisdiction: f.jurisdiction.value.trim(), labels: parseLabels(f.labels.value) };
    } catch (e) {
      clear(errors, el('p', { class: 'error' }, e.message));
      return;
    }
    if (f.site.value) body.site = f.site.value;
    if (f.latitude.value !== '' || f.longitude.value !== '') {
      body.latitude = Number(f.latitude.value);
      body.longitude = Number(f.longitude.value);
    }
    try {
      const r = await api('/api/v1/enrollments', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      showEnrolled(r);
      f.reset();
      loadList();
    } catch (e) {
      clear(errors, errorBox(e));
    }
  };
  return el('form', { id: 'enroll-form', class: 'stack', onsubmit: submit, 'aria-labelledby': 'enroll-h' },
    el('h2', { id: 'enroll-h' }, 'Enroll a cluster'),
    el('div', { class: 'fields' },
      field('e-id', 'Cluster id', el('input', { id: 'e-id', name: 'clusterId', required: true, pattern: '[a-z0-9]([a-z0-9\\-]{0,61}[a-z0-9])?', autocomplete: 'off', 'aria-describedby': 'e-id-hint' }),
        'lower-case letters, digits and -'),
      field('e-jurisdiction', 'Jurisdiction', el('input', { id: 'e-jurisdiction', name: 'jurisdiction', required: true, placeholder: 'DE', size: 8, 'aria-describedby': 'e-jurisdiction-hint' }),
        'ISO 3166 code, e.g. DE or IN-MH'),
      field('e-site', 'Site', el('select', { id: 'e-site', name: 'site', onchange: (e) => {
        const site = sites.find(s => s.name === e.target.value);
        const j = e.target.form.jurisdiction;
        if (site && !j.value) j.value = site.country;
      } }, el('option', { value: '' }, '— or give coordinates —'),
        sites.map(s => el('option', { value: s.name }, `${s.name} (${s.subdivision || s.country})`)))),
      field('e-lat', 'Latitude', el('input', { id: 'e-lat', name: 'latitude', type: 'number', step: 'any', min: -90, max: 90 })),
      field('e-lon', 'Longitude', el('input', { id: 'e-lon', name: 'longitude', type: 'number', step: 'any', min: -180, max: 180 })),
      field('e-labels', 'Labels', el('input', { id: 'e-labels', name: 'labels', placeholder: 'tier=edge, gpu=l4', 'aria-describedby': 'e-labels-hint' }),
        'key=value, comma-separated')),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'enroll-button' }, 'Enroll')),
    errors);
}

async function render() {
  let sites = [];
  try { sites = await api('/api/v1/sites'); } catch (e) { /* coordinates still work */ }
  clear(content, el('section', { class: 'panel' }, form(sites)), result,
    el('section', { class: 'panel', 'aria-labelledby': 'list-h' }, el('h2', { id: 'list-h' }, 'Enrollments'), listHolder));
  await loadList();
}

await page('enrollment', 'Enrollment');
await render();
liveUpdates(loadList);
