import { api, setToken, ApiError } from '/console/app.js';

const form = document.getElementById('login');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.hidden = true;
  const t = document.getElementById('token').value.trim();
  setToken(t);
  try {
    await api('/api/v1/whoami', { noRedirect: true });
    const next = new URLSearchParams(location.search).get('next');
    location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  } catch (err) {
    sessionStorage.clear();
    error.textContent = err instanceof ApiError && err.status === 401 ? 'That token is not valid (or was revoked).' : String(err.message || err);
    error.hidden = false;
  }
});
