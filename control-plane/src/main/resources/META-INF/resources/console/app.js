// Shared by every console page: the token, API calls, page layout, live events, the world map.
const TOKEN_KEY = 'flotilla.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t) {
  sessionStorage.setItem(TOKEN_KEY, t);
}

export function logout() {
  sessionStorage.removeItem(TOKEN_KEY);
  location.href = '/login.html';
}

function toLogin() {
  const next = location.pathname + location.search;
  location.href = '/login.html?next=' + encodeURIComponent(next);
}

/** An API answer that was not 2xx: status and the API's error body ({status, error, details}). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
}

/** Calls the REST API with the session's token; 401 sends the user to the login page. Answers the parsed JSON. */
export async function api(path, options = {}) {
  return (await call(path, options)).body;
}

/**
 * One page of a paged listing (GET /api/v1/clusters?limit=...): its items, and next, the token that asks for the
 * following page (the X-Continue header; null on the last page).
 */
export async function apiPage(path, options = {}) {
  const { body, response } = await call(path, options);
  return { items: body || [], next: response.headers.get('X-Continue') };
}

async function call(path, options) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (response.status === 401 && !options.noRedirect) {
    sessionStorage.removeItem(TOKEN_KEY);
    toLogin();
    throw new ApiError(401, body);
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, response };
}

/** Builds an element; strings become text nodes (never HTML), so API data cannot inject markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    // through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes
    else if (k === 'style') node.style.cssText = v;
    else if (k.startsWith('on')) node.addEventListener(k.substring(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node, ...children) {
  node.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined));
  return node;
}

/** id, address, label, and the role a page needs (the API refuses the rest anyway; the link is hidden). */
const PAGES = [
  ['overview', '/', 'Overview', 'viewer'],
  ['clusters', '/clusters.html', 'Clusters', 'viewer'],
  ['policies', '/policies.html', 'Policies', 'viewer'],
  ['routing', '/routing.html', 'Routing', 'viewer'],
  ['routing-audit', '/routing-audit.html', 'Routing audit', 'viewer'],
  ['enrollment', '/enrollment.html', 'Enrollment', 'admin'],
  ['tokens', '/tokens.html', 'Tokens', 'admin'],
  ['audit', '/audit.html', 'Audit', 'admin'],
];
const RANKS = { viewer: 0, operator: 1, admin: 2 };

/** Redirects to the login page without a token; draws the header with navigation and the user. */
export async function page(active, title) {
  if (!token()) {
    toLogin();
    return new Promise(() => {});
  }
  document.title = title + ' · Flotilla';
  const me = await api('/api/v1/whoami');
  const nav = el('nav', { 'aria-label': 'Console' },
    el('ul', {}, PAGES.filter(p => RANKS[me.role] >= RANKS[p[3]]).map(([id, href, label]) =>
      el('li', {}, el('a', { href, 'aria-current': id === active ? 'page' : null }, label)))));
  const who = el('span', { class: 'who', id: 'who' });
  const header = el('header', { class: 'top' },
    el('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    el('a', { class: 'brand', href: '/' }, 'Flotilla'), nav,
    el('div', { class: 'session' }, who, el('span', { class: 'live', id: 'live', title: 'Live updates from the control plane', hidden: true }, '● live'),
      el('button', { type: 'button', class: 'link', onclick: logout }, 'Log out')));
  document.body.prepend(header);
  who.textContent = me.name + ' (' + me.role + ')';
  document.body.dataset.role = me.role;
  return me;
}

/**
 * Live change notifications from GET /api/v1/events (server-sent events), read with fetch so that the
 * token goes in the Authorization header rather than the URL. Calls onChange(event) per fleet or
 * policy change, debounced; reconnects after a drop.
 */
export function liveUpdates(onChange) {
  const indicator = () => document.getElementById('live');
  let timer = null;
  const fire = (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => onChange(event), 300);
  };
  // Closed when the page goes away: a browser allows only six HTTP/1.1 connections per host, and
  // streams left open by earlier pages would starve this page's API calls.
  const abort = new AbortController();
  let leaving = false;
  window.addEventListener('pagehide', () => { leaving = true; abort.abort(); });
  const connect = async () => {
    try {
      const response = await fetch('/api/v1/events', {
        headers: { Authorization: 'Bearer ' + token(), Accept: 'text/event-stream' }, signal: abort.signal, cache: 'no-store',
      });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.substring(0, end);
          buffer = buffer.substring(end + 2);
          const data = chunk.split('\n').filter(l => l.startsWith('data:')).map(l => l.substring(5).trim()).join('\n');
          if (!data) continue;
          const event = JSON.parse(data);
          if (event.type === 'hello' && indicator()) indicator().hidden = false;
          if (event.type === 'fleet' || event.type === 'policies') fire(event);
        }
      }
    } catch (e) {
      // fall through to reconnect
    }
    if (indicator()) indicator().hidden = true;
    if (!leaving) setTimeout(connect, 3000);
  };
  connect();
}

/**
 * The mass-offline banner from GET /api/v1/fleet/presence, or null while the protection does not hold (or the
 * answer could not be read: the page's own content shows that failure).
 */
export async function massOfflineBanner() {
  let p;
  try {
    p = await api('/api/v1/fleet/presence');
  } catch (e) {
    return null;
  }
  if (!p.massOffline) return null;
  const more = p.toComeBack === 1 ? '1 more is back' : p.toComeBack + ' more are back';
  return el('div', { class: 'banner', id: 'mass-offline', role: 'alert' },
    el('strong', {}, `${p.offline} of ${p.reporting} clusters are offline at once: workloads stay where they are until ${more}.`),
    el('p', { class: 'muted' }, `While more than ${Math.round(p.massOfflineThreshold * 100)} % of the fleet is offline, placement `
      + 'moves nothing away from offline clusters' + (p.massOfflineSince ? ` (since ${ago(p.massOfflineSince)})` : '')
      + '; afterwards clusters still offline beyond the grace period lose their workloads as usual.'));
}

/** READY (online), OFFLINE (seen, now gone) or UNKNOWN (never heard from), as placement counts them. */
export function health(cluster) {
  if (cluster.online) return 'ready';
  return cluster.lastReportAt || cluster.lastStatusAt || cluster.lastPresenceAt ? 'offline' : 'unknown';
}

export function gpuCount(cluster) {
  const gpus = cluster.capacity && cluster.capacity.gpus ? cluster.capacity.gpus : [];
  return gpus.reduce((n, g) => n + (g.count || 0), 0);
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return new Date(iso).toISOString().substring(0, 16).replace('T', ' ');
}

export function query(name) {
  return new URLSearchParams(location.search).get(name);
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'style') node.style.cssText = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** Equirectangular: longitude -180..180 to x 0..360, latitude 90..-90 to y 0..180 (as world.svg is drawn). */
export function project(lat, lon) {
  return [lon + 180, 90 - lat];
}

/**
 * A world map with dots: points are {id, lat, lon, r, cls, label, href}. Returns the SVG; onPick(lat, lon)
 * when the map is clicked (routing playground).
 */
export function worldMap(points, { label = 'World map of clusters', onPick = null, lines = [], marker = null } = {}) {
  const map = svg('svg', { viewBox: '0 8 360 150', class: 'map', role: 'img', 'aria-label': label });
  map.append(svg('image', { href: '/console/world.svg', x: 0, y: 0, width: 360, height: 180 }));
  for (const line of lines) {
    const [x1, y1] = project(line.from[0], line.from[1]);
    const [x2, y2] = project(line.to[0], line.to[1]);
    map.append(svg('line', { x1, y1, x2, y2, class: 'route ' + (line.cls || '') }));
  }
  for (const p of points) {
    if (p.lat === null || p.lat === undefined || p.lon === null || p.lon === undefined) continue;
    const [x, y] = project(p.lat, p.lon);
    const dot = svg('circle', { cx: x, cy: y, r: p.r || 2, class: 'dot ' + (p.cls || ''), 'data-cluster': p.id },
      svg('title', {}, p.label || p.id));
    if (p.href) {
      const a = svg('a', { href: p.href, 'aria-label': p.label || p.id });
      a.append(dot);
      map.append(a);
    } else {
      map.append(dot);
    }
    if (p.text) map.append(svg('text', { x: x + (p.r || 2) + 0.8, y: y + 1.2, class: 'dot-label' }, p.text));
  }
  if (marker) {
    const [x, y] = project(marker.lat, marker.lon);
    map.append(svg('path', { d: `M${x - 2.5},${y} L${x + 2.5},${y} M${x},${y - 2.5} L${x},${y + 2.5}`, class: 'client' },
      svg('title', {}, marker.label || 'client')));
  }
  if (onPick) {
    map.classList.add('pickable');
    map.addEventListener('click', (e) => {
      const pt = map.createSVGPoint();
      pt.x = e.clientX; pt.y = e.clientY;
      const p = pt.matrixTransform(map.getScreenCTM().inverse());
      onPick(Math.round((90 - p.y) * 100) / 100, Math.round((p.x - 180) * 100) / 100);
    });
  }
  return map;
}

/**
 * A button that copies text to the clipboard and says so in a live region next to it. Falls back to
 * selecting a hidden text area and the copy command where the Clipboard API is refused (plain http).
 */
export function copyButton(text, { id, label = 'Copy' } = {}) {
  const status = el('span', { class: 'copied', role: 'status', 'aria-live': 'polite' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const area = el('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    status.textContent = 'Copied';
    setTimeout(() => { status.textContent = ''; }, 4000);
  };
  return el('span', { class: 'copy' }, el('button', { type: 'button', class: 'secondary', id, onclick: copy }, label), status);
}

/** A form's failure: the API's message and each of its details. */
export function errorBox(e) {
  const details = e instanceof ApiError && e.body.details ? e.body.details : [];
  return el('div', { class: 'error' }, el('p', { style: 'margin:0' }, e.message),
    details.length ? el('ul', {}, details.map(d => el('li', {}, d))) : null);
}

/** A small button that asks first, then DELETEs path (revocation) and calls done. */
export function revokeButton(name, question, path, done) {
  return el('button', { type: 'button', class: 'secondary small', 'aria-label': 'Revoke ' + name, onclick: async () => {
    if (!confirm(question)) return;
    try { await api(path, { method: 'DELETE' }); done(); } catch (e) { alert(e.message); }
  } }, 'Revoke');
}

/** Shows an error where a section's content would be. */
export function failure(target, e) {
  clear(target, el('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
}

/** A unified diff, additions and removals coloured. */
export function diffView(diff) {
  return el('pre', { class: 'diff' }, diff.split('\n').map(l => el('span', {
    class: l.startsWith('+++') || l.startsWith('---') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : null,
  }, l + '\n')));
}
