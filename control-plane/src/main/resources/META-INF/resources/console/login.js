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
    location.href = sameOriginPath(new URLSearchParams(location.search).get('next'));
  } catch (err) {
    sessionStorage.clear();
    error.textContent = err instanceof ApiError && err.status === 401 ? 'That token is not valid (or was revoked).' : String(err.message || err);
    error.hidden = false;
  }
});

/**
 * Where to go after logging in: the 'next' parameter only when it resolves to a page of this console's own
 * origin, else the overview. The browser resolves it, so spellings that it reads as another host
 * ('//evil.example', '/\\evil.example', 'https:evil.example', tabs and newlines inside) are refused.
 */
export function sameOriginPath(next) {
  if (!next) return '/';
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return '/';
  }
  if (url.origin !== location.origin || !/^\/(?![\\/])/.test(next)) return '/';
  return url.pathname + url.search + url.hash;
}
