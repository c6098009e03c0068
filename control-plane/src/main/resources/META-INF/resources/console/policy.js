import { api, el, clear, page, liveUpdates, ago, query, failure, ApiError, diffView } from '/console/app.js';

const content = document.getElementById('content');
const name = query('name');
const enc = encodeURIComponent(name);

function scoreBar(v) {
  return el('div', { class: 'bar', title: v.toFixed(1), role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(v) },
    el('span', { style: `width:${Math.max(0, Math.min(100, v))}%` }));
}

/** Every cluster left out; the placement lists the first of them (decisions stored before the count list all). */
function excludedTotal(p) {
  return Math.max(p.excludedTotal || 0, p.excluded.length);
}

function placement(p) {
  const scorers = [...new Set(p.chosen.flatMap(c => Object.keys(c.scores || {})))];
  return el('section', { class: 'panel', id: 'placement', 'aria-labelledby': 'pl-h' },
    el('h2', { id: 'pl-h' }, 'Placement ', p.satisfied ? el('span', { class: 'badge ok' }, 'satisfied') : el('span', { class: 'badge bad' }, 'unsatisfied')),
    p.reason ? el('p', { class: 'error' }, p.reason) : null,
    el('h3', {}, `Chosen (${p.chosen.length})`),
    p.chosen.length === 0 ? el('p', { class: 'muted' }, 'No cluster chosen.') :
      el('table', { id: 'chosen' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Cluster'), el('th', { scope: 'col' }, 'Jurisdiction'),
          el('th', { scope: 'col', class: 'num' }, 'Replicas'), el('th', { scope: 'col', class: 'num' }, 'Score'),
          scorers.map(s => el('th', { scope: 'col' }, s)))),
        el('tbody', {}, p.chosen.map(c => el('tr', { 'data-cluster': c.cluster },
          el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(c.cluster) }, c.cluster)),
          el('td', {}, c.jurisdiction), el('td', { class: 'num' }, c.replicas), el('td', { class: 'num' }, c.score.toFixed(1)),
          scorers.map(s => el('td', {}, el('div', { style: 'display:flex;gap:6px;align-items:center' },
            scoreBar(c.scores[s] || 0), el('span', { class: 'muted' }, (c.scores[s] || 0).toFixed(0))))))))),
    el('h3', {}, `Excluded (${excludedTotal(p)})`),
    excludedTotal(p) > p.excluded.length ? el('p', { class: 'muted', id: 'excluded-summary' },
      `By reason: ${Object.entries(p.excludedBySource || {}).map(([s, n]) => `${s} ${n}`).join(', ')}. `
      + `The first ${p.excluded.length} by cluster id are listed.`) : null,
    p.excluded.length === 0 ? el('p', { class: 'muted' }, 'No cluster excluded.') :
      el('table', { id: 'excluded' },
        el('thead', {}, el('tr', {}, ['Cluster', 'Jurisdiction', 'Why not'].map(t => el('th', { scope: 'col' }, t)))),
        el('tbody', {}, p.excluded.map(x => el('tr', { 'data-cluster': x.cluster },
          el('td', {}, el('a', { href: '/cluster.html?id=' + encodeURIComponent(x.cluster) }, x.cluster)),
          el('td', {}, x.jurisdiction),
          el('td', {}, el('ul', { style: 'margin:0;padding-left:18px' }, x.reasons.map(r => el('li', {}, r)))))))));
}

function progress(done, total) {
  return el('div', { style: 'display:flex;gap:8px;align-items:center' },
    el('div', { class: 'bar', style: 'flex:1', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total || 0, 'aria-valuenow': done || 0 },
      el('span', { style: `width:${total ? 100 * done / total : 0}%` })), el('span', { class: 'muted' }, `${done}/${total}`));
}

const BADGE = { DONE: 'ok', CONVERGED: 'ok', RUNNING: 'warn', PROGRESSING: 'warn', PAUSED: 'bad', FAILED: 'bad', PENDING: 'unknown' };

function stateBadge(state, id) {
  return el('span', { class: 'badge ' + (BADGE[state] || 'unknown'), id }, state);
}

/** Waves of the policy's newest change (GET /api/v1/policies/{name}/rollout); 404 when no change rolled out yet. */
async function rollout(canOperate) {
  const section = el('section', { class: 'panel', id: 'rollout', 'aria-labelledby': 'ro-h' }, el('h2', { id: 'ro-h' }, 'Rollout'));
  let r;
  try {
    r = await api(`/api/v1/policies/${enc}/rollout`);
  } catch (e) {
    section.append(el('p', { class: 'muted', id: 'rollout-none' }, e instanceof ApiError && e.status === 404
      ? 'No rollout yet: the first revision of a policy reaches its clusters at once; later changes roll out in waves.'
      : 'Rollout unavailable: ' + e.message));
    return section;
  }
  const act = async (what) => {
    try { await api(`/api/v1/policies/${enc}/rollout/${what}`, { method: 'POST' }); render(); } catch (e) { alert(e.message); }
  };
  const waves = r.waves || [];
  section.append(
    el('p', {}, 'State: ', stateBadge(r.state, 'rollout-state'),
      ` · revision ${r.fromRevision} → ${r.revision} · wave size ${r.waveSize}, max unavailable ${r.maxUnavailable}`,
      r.reason ? el('span', { class: 'muted' }, ' · ' + r.reason) : null),
    el('div', { id: 'rollout-total' }, progress(r.converged, r.clusters)),
    el('table', { id: 'waves' },
      el('thead', {}, el('tr', {}, ['Wave', 'Clusters', 'Progress', 'State'].map(t => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, waves.map(w => {
        const done = w.clusters.filter(c => c.state === 'CONVERGED').length;
        return el('tr', { 'data-wave': w.index + 1, 'data-state': w.state },
          el('td', { class: 'num' }, w.index + 1),
          el('td', {}, w.clusters.map(c => el('span', { class: 'label', title: c.detail || c.state }, `${c.clusterId} · ${c.state.toLowerCase()}`))),
          el('td', {}, progress(done, w.clusters.length)),
          el('td', {}, stateBadge(w.state)));
      }))),
    el('div', { class: 'actions' },
      ['pause', 'resume', 'undo'].map(a => el('button', { type: 'button', class: 'secondary', id: 'rollout-' + a, disabled: !canOperate,
        onclick: () => act(a) }, a === 'undo' ? 'Roll back' : a[0].toUpperCase() + a.substring(1)))));
  return section;
}

async function revisions() {
  const list = await api(`/api/v1/policies/${enc}/revisions`);
  return el('section', { class: 'panel', id: 'revisions', 'aria-labelledby': 'rev-h' },
    el('h2', { id: 'rev-h' }, `Revisions (${list.length})`),
    [...list].reverse().map((r, i) => el('details', { open: i === 0 },
      el('summary', {}, `Revision ${r.revision} · ${ago(r.createdAt)}`), diffView(r.diff || '(no changes)'))));
}

let me;

async function render() {
  let policy, place;
  try {
    [policy, place] = await Promise.all([api(`/api/v1/policies/${enc}`), api(`/api/v1/policies/${enc}/placement`)]);
  } catch (e) {
    failure(content, e);
    return;
  }
  document.getElementById('title').textContent = `Policy ${policy.name}`;
  const yaml = el('section', { class: 'panel', id: 'yaml', 'aria-labelledby': 'yaml-h' },
    el('h2', { id: 'yaml-h' }, `Revision ${policy.revision} `, el('span', { class: 'muted' }, '(canonical YAML, updated ' + ago(policy.updatedAt) + ')')),
    el('pre', {}, policy.yaml));
  const canOperate = me.role !== 'viewer';
  const [rev, ro] = await Promise.all([revisions().catch(e => el('p', { class: 'error' }, e.message)), rollout(canOperate)]);
  clear(content, placement(place), ro, el('div', { class: 'grid' }, yaml, rev));
}

me = await page('policies', 'Policy ' + name);
await render();
liveUpdates(render);
