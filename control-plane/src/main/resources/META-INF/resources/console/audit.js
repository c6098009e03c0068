// The audit log (admin): every change made through the API, newest first, with the token that made it.
import { api, el, clear, page, ago, failure, query } from '/console/app.js';

const content = document.getElementById('content');
const listHolder = el('div', { id: 'audit-list' });
const filters = { actor: query('actor') || '', target: query('target') || '' };
let records = [];
let next = null;

function statusBadge(status) {
  return el('span', { class: 'badge ' + (status < 300 ? 'ok' : status < 500 ? 'warn' : 'bad') }, String(status));
}

function draw() {
  if (records.length === 0) {
    clear(listHolder, el('p', { class: 'muted', id: 'audit-empty' }, 'No changes match.'));
    return;
  }
  clear(listHolder,
    el('table', { id: 'audit' },
      el('caption', { class: 'muted', style: 'text-align:left' }, 'Newest first'),
      el('thead', {}, el('tr', {}, ['When', 'Token', 'Role', 'Call', 'Target', 'Revision', 'Answer'].map(t => el('th', { scope: 'col' }, t)))),
      el('tbody', {}, records.map(r => el('tr', { 'data-id': String(r.id), 'data-actor': r.actor },
        el('td', { title: r.at }, ago(r.at)),
        el('td', {}, r.actor),
        el('td', {}, r.actorRole ? el('span', { class: 'role ' + r.actorRole }, r.actorRole) : el('span', { class: 'muted' }, 'none')),
        el('td', {}, el('code', {}, r.method + ' ' + r.path)),
        el('td', { class: 'target' }, r.target),
        el('td', { class: 'revision' }, r.revision || el('span', { class: 'muted' }, '-')),
        el('td', {}, statusBadge(r.status)))))),
    next ? el('div', { class: 'actions' }, el('button', { type: 'button', id: 'audit-older', onclick: () => load(true) }, 'Older changes')) : null);
}

async function load(more) {
  const params = new URLSearchParams({ limit: '50' });
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.target) params.set('target', filters.target);
  if (more && next) params.set('continue', next);
  try {
    const answer = await api('/api/v1/audit?' + params);
    records = more ? records.concat(answer.items) : answer.items;
    next = answer.continueToken;
    draw();
  } catch (e) {
    failure(listHolder, e);
  }
}

function filterForm() {
  const submit = (ev) => {
    ev.preventDefault();
    filters.actor = ev.target.actor.value.trim();
    filters.target = ev.target.target.value.trim();
    const url = new URL(location.href);
    for (const [k, v] of Object.entries(filters)) v ? url.searchParams.set(k, v) : url.searchParams.delete(k);
    history.replaceState(null, '', url);
    load(false);
  };
  return el('form', { id: 'audit-filter', onsubmit: submit, 'aria-label': 'Filter the audit log' },
    el('div', { class: 'fields' },
      el('label', { for: 'a-actor' }, 'Token name', el('input', { id: 'a-actor', name: 'actor', value: filters.actor, autocomplete: 'off' })),
      el('label', { for: 'a-target' }, 'Target contains', el('input', { id: 'a-target', name: 'target', value: filters.target, autocomplete: 'off', placeholder: 'chat-eu' }))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'audit-apply' }, 'Filter')));
}

await page('audit', 'Audit log');
clear(content, el('section', { class: 'panel' }, filterForm()),
  el('section', { class: 'panel', 'aria-labelledby': 'audit-h' }, el('h2', { id: 'audit-h' }, 'Changes'), listHolder));
await load(false);
