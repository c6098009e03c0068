import { api, el, clear, page, ago, failure, copyButton, errorBox, revokeButton } from '/console/app.js';

const content = document.getElementById('content');
const listHolder = el('div', { id: 'token-list' });
const result = el('div', { id: 'token-result', 'aria-live': 'polite' });

async function loadList() {
  let list;
  try {
    list = await api('/api/v1/tokens');
  } catch (e) {
    failure(listHolder, e);
    return;
  }
  clear(listHolder, el('table', { id: 'tokens' },
    el('thead', {}, el('tr', {}, ['Name', 'Role', 'Created', 'Last used', 'State', ''].map(t => el('th', { scope: 'col' }, t)))),
    el('tbody', {}, list.map(t => el('tr', { 'data-token': t.name, 'data-id': t.id },
      el('td', {}, t.name),
      el('td', {}, el('span', { class: 'role ' + t.role }, t.role)),
      el('td', { title: t.createdAt }, ago(t.createdAt)),
      el('td', { title: t.lastUsedAt || '' }, t.lastUsedAt ? ago(t.lastUsedAt) : el('span', { class: 'muted' }, 'never')),
      el('td', {}, t.revokedAt ? el('span', { class: 'badge bad', title: t.revokedAt }, 'revoked ' + ago(t.revokedAt))
        : el('span', { class: 'badge ok' }, 'active')),
      el('td', {}, t.revokedAt ? '' : revokeButton(t.name,
        `Revoke token ${t.name}? Whoever uses it is refused from then on.`, '/api/v1/tokens/' + encodeURIComponent(t.id), loadList)))))));
}

function form() {
  const errors = el('div', { id: 'token-error', role: 'alert' });
  const submit = async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    clear(errors);
    try {
      const t = await api('/api/v1/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: f.name.value.trim(), role: f.role.value }) });
      clear(result, el('section', { class: 'panel', id: 'new-token', 'aria-labelledby': 'new-token-h' },
        el('h2', { id: 'new-token-h' }, `Token ${t.name} (${t.role}) created`),
        el('p', { class: 'ok-msg' }, el('strong', {}, 'This is the only time the token is shown'), ': copy it now. Only its hash is stored.'),
        el('div', { class: 'actions' }, el('code', { id: 'token-secret', class: 'secret' }, t.token), copyButton(t.token, { id: 'copy-token' }))));
      f.reset();
      loadList();
    } catch (e) {
      clear(errors, errorBox(e));
    }
  };
  return el('form', { id: 'token-form', onsubmit: submit, 'aria-labelledby': 'token-h' },
    el('h2', { id: 'token-h' }, 'Create a token'),
    el('div', { class: 'fields' },
      el('label', { for: 't-name' }, 'Name', el('input', { id: 't-name', name: 'name', required: true, maxlength: 100, placeholder: 'grafana', autocomplete: 'off' })),
      el('label', { for: 't-role' }, 'Role', el('select', { id: 't-role', name: 'role' },
        el('option', { value: 'viewer' }, 'viewer (reads)'), el('option', { value: 'operator' }, 'operator (applies, rolls out)'),
        el('option', { value: 'admin' }, 'admin (tokens, enrollments)')))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'create-token' }, 'Create token')),
    errors);
}

async function render() {
  clear(content, el('section', { class: 'panel' }, form()), result,
    el('section', { class: 'panel', 'aria-labelledby': 'tokens-h' }, el('h2', { id: 'tokens-h' }, 'Tokens'), listHolder));
  await loadList();
}

await page('tokens', 'Tokens');
await render();
