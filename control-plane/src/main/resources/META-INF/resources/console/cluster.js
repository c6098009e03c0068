import { api, el, clear, page, liveUpdates, health, gpuCount, ago, query, failure, ApiError } from '/console/app.js';
import { lineChart } from '/console/charts.js';

const content = document.getElementById('content');
const id = query('id');

function bar(value, max, label) {
  const pct = max > 0 ? Math.max(0, Math.min(100, 100 * value / max)) : 0;
  return el('div', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct), 'aria-label': label },
    el('span', { style: `width:${pct}%` }));
}

function gib(bytes) {
  return (bytes / 1073741824).toFixed(1) + ' GiB';
}

async function telemetry() {
  try {
    const t = await api('/api/v1/clusters/' + encodeURIComponent(id) + '/telemetry');
    return el('section', { class: 'panel', 'aria-labelledby': 'tel-h', id: 'telemetry' },
      el('h2', { id: 'tel-h' }, 'Latest telemetry ', el('span', { class: 'muted' }, '(' + ago(t.receivedAt) + ')')),
      el('table', {},
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Resource'), el('th', { scope: 'col' }, 'Use'), el('th', { scope: 'col' }, ''))),
        el('tbody', {},
          el('tr', {}, el('td', {}, 'CPU'), el('td', {}, `${t.cpu.usedCores.toFixed(1)} / ${t.cpu.capacityCores.toFixed(0)} cores`),
            el('td', {}, bar(t.cpu.usedCores, t.cpu.capacityCores, 'CPU use'))),
          el('tr', {}, el('td', {}, 'Memory'), el('td', {}, `${gib(t.memory.usedBytes)} / ${gib(t.memory.capacityBytes)}`),
            el('td', {}, bar(t.memory.usedBytes, t.memory.capacityBytes, 'Memory use'))),
          t.gpus.map(g => el('tr', {},
            el('td', {}, `GPU ${g.index} ${g.model}`),
            el('td', {}, `${g.utilizationPercent.toFixed(0)} % · ${g.memoryUsedMiB} / ${g.memoryTotalMiB} MiB · ${g.temperatureCelsius.toFixed(0)} °C`),
            el('td', {}, bar(g.utilizationPercent, 100, `GPU ${g.index} utilisation`)))))),
      t.inference.length ? el('p', { class: 'muted' }, 'Inference: ',
        t.inference.map(i => `${i.workload}: ${i.requestsRunning} running, ${i.requestsWaiting} waiting`).join('; ')) : null);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return el('section', { class: 'panel', id: 'telemetry' }, el('h2', {}, 'Latest telemetry'), el('p', { class: 'muted' }, 'No telemetry from this cluster yet.'));
    }
    throw e;
  }
}

const MINUTES = 60;

/** Points {t, v} of the minutes where value(p) is known. */
function points(list, value) {
  return list.map(p => ({ t: Date.parse(p.minute), v: value(p) })).filter(p => p.v !== null && p.v !== undefined && !Number.isNaN(p.v));
}

function gibOf(mib) {
  return mib === null || mib === undefined ? null : mib / 1024;
}

/** The last hour from the one-minute roll-ups: CPU, memory, and each GPU's utilisation, memory and temperature. */
async function history() {
  const h = await api('/api/v1/clusters/' + encodeURIComponent(id) + '/telemetry/history?minutes=' + MINUTES);
  const section = el('section', { class: 'panel', id: 'history', 'aria-labelledby': 'hist-h' },
    el('h2', { id: 'hist-h' }, 'Last hour ', el('span', { class: 'muted' }, '(one-minute averages)')));
  if (h.node.length === 0 && h.gpus.length === 0) {
    section.append(el('p', { class: 'muted', id: 'history-none' }, 'No telemetry in the last hour.'));
    return section;
  }
  const from = Date.parse(h.from), to = Date.parse(h.to);
  const most = (values, floor) => Math.max(floor, ...values.filter(v => v !== null && v !== undefined));
  const gpuSeries = (value) => h.gpus.map(g => ({ name: 'GPU ' + g.index, points: points(g.points, value) }));
  const gib = (v) => String(Math.round(v * 10) / 10);
  const memTotal = most(h.node.map(p => gibOf(p.memoryTotalMiB)).concat(h.node.map(p => gibOf(p.memoryUsedMiB))), 1);
  const gpuMemTotal = most(h.gpus.flatMap(g => g.points.flatMap(p => [gibOf(p.memoryTotalMiB), gibOf(p.memoryUsedMiB)])), 1);
  const hottest = most(h.gpus.flatMap(g => g.points.map(p => p.temperatureCelsius)), 100);
  section.append(el('div', { class: 'charts', id: 'charts' },
    lineChart({ id: 'chart-cpu', title: 'CPU', unit: '%', from, to, max: 100, series: [{ name: 'CPU', points: points(h.node, p => p.cpuPercent) }] }),
    lineChart({ id: 'chart-memory', title: 'Memory', unit: 'GiB', from, to, max: memTotal, format: gib,
      series: [{ name: 'used', points: points(h.node, p => gibOf(p.memoryUsedMiB)) }] }),
    h.gpus.length ? [
      lineChart({ id: 'chart-gpu-util', title: 'GPU utilisation', unit: '%', from, to, max: 100, series: gpuSeries(p => p.utilizationPercent) }),
      lineChart({ id: 'chart-gpu-memory', title: 'GPU memory', unit: 'GiB', from, to, max: gpuMemTotal, format: gib, series: gpuSeries(p => gibOf(p.memoryUsedMiB)) }),
      lineChart({ id: 'chart-gpu-temp', title: 'GPU temperature', unit: '°C', from, to, max: hottest, series: gpuSeries(p => p.temperatureCelsius) }),
    ] : el('p', { class: 'muted' }, 'No GPU telemetry in the last hour.')));
  return section;
}

async function render() {
  let c;
  try {
    c = await api('/api/v1/clusters/' + encodeURIComponent(id));
  } catch (e) {
    failure(content, e);
    return;
  }
  document.getElementById('title').textContent = 'Cluster ' + c.id;
  const h = health(c);
  const facts = el('section', { class: 'panel', 'aria-labelledby': 'facts-h' },
    el('h2', { id: 'facts-h' }, 'State'),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Health'), el('dd', {}, el('span', { class: 'badge ' + h, id: 'health' }, h)),
      el('dt', {}, 'Jurisdiction'), el('dd', {}, c.jurisdiction),
      el('dt', {}, 'Location'), el('dd', {}, c.latitude === null ? 'none (left out of placement and routing)' : `${c.latitude}, ${c.longitude}`),
      el('dt', {}, 'Labels'), el('dd', {}, Object.entries(c.labels || {}).map(([k, v]) => el('span', { class: 'label' }, k + '=' + v))),
      el('dt', {}, 'GPUs'), el('dd', {}, c.capacity && c.capacity.gpus ? c.capacity.gpus.map(g => `${g.count} × ${g.model} (${g.memoryGiB} GiB)`).join(', ') || '0' : 'no capacity registered'),
      el('dt', {}, 'CPU / memory'), el('dd', {}, c.capacity ? `${c.capacity.cpu || '?'} / ${c.capacity.memory || '?'}` : '—'),
      el('dt', {}, 'Generation'), el('dd', { id: 'generation' }, `applied ${c.appliedGeneration} of desired ${c.desiredGeneration} `,
        c.converged ? el('span', { class: 'badge ok' }, 'converged') : el('span', { class: 'badge warn' }, 'pending')),
      el('dt', {}, 'Last report'), el('dd', { id: 'last-report', title: 'the newest of its status, presence and telemetry' }, ago(c.lastReportAt)),
      el('dt', {}, 'Last status'), el('dd', { id: 'last-status', title: 'workloads and applied generation; sent when they change' }, ago(c.lastStatusAt)),
      el('dt', {}, 'Last presence'), el('dd', {}, ago(c.lastPresenceAt)),
      el('dt', {}, 'Agent'), el('dd', {}, c.agentVersion || '—'),
      c.applyError ? el('dt', {}, 'Apply error') : null, c.applyError ? el('dd', { class: 'error' }, c.applyError) : null));
  const workloads = el('section', { class: 'panel', 'aria-labelledby': 'wl-h' },
    el('h2', { id: 'wl-h' }, 'Workloads'),
    c.workloads.length === 0 ? el('p', { class: 'muted' }, 'No workloads.') :
      el('table', { id: 'workloads' },
        el('thead', {}, el('tr', {}, ['Workload', 'Policy', 'Image', 'Status', 'Replicas', 'Endpoint'].map(t => el('th', { scope: 'col' }, t)))),
        el('tbody', {}, c.workloads.map(w => el('tr', {},
          el('td', {}, w.name),
          el('td', {}, w.desired && w.desired.policy ? el('a', { href: '/policy.html?name=' + encodeURIComponent(w.desired.policy) }, w.desired.policy) : '—'),
          el('td', {}, w.desired ? w.desired.image : el('span', { class: 'muted' }, 'being removed')),
          el('td', {}, w.status ? el('span', { class: 'badge ' + (w.status.condition === 'Available' ? 'ok' : w.status.condition === 'Failed' ? 'bad' : 'warn'), title: w.status.message || '' }, w.status.condition) : el('span', { class: 'muted' }, 'not reported')),
          el('td', { class: 'num' }, w.status ? `${w.status.readyReplicas} / ${w.status.desiredReplicas}` : '—'),
          el('td', {}, w.status && w.status.endpoint ? w.status.endpoint : '—'))))));
  const [tel, hist] = await Promise.all([
    telemetry().catch(e => el('p', { class: 'error' }, e.message)),
    history().catch(e => el('p', { class: 'error' }, 'Telemetry history: ' + e.message))]);
  clear(content, el('div', { class: 'grid' }, facts, tel), hist, workloads);
}

await page('clusters', 'Cluster ' + id);
await render();
liveUpdates((e) => { if (!e.cluster || e.cluster === id) render(); });
