// Small line charts drawn by hand in SVG: a time axis, a value axis, one line per series, a title for
// screen readers. No chart library: the console loads nothing it does not carry.
import { el, svg } from '/console/app.js';

const W = 360, H = 150, LEFT = 42, RIGHT = 10, TOP = 10, BOTTOM = 24;
const MINUTE = 60000;

function hhmm(ms) {
  const d = new Date(ms);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

/** 0, and about three round steps up to max. */
function ticks(max) {
  const raw = max / 3;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= raw);
  const out = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

/**
 * A chart of series [{name, cls, points: [{t (ms), v}]}] between from and to (ms), values 0..max.
 * Lines break where a minute has no data. Returns a figure with a visible heading and the SVG.
 */
export function lineChart({ id, title, unit, series, from, to, max, format = (v) => v.toFixed(0) }) {
  const x = (t) => LEFT + (W - LEFT - RIGHT) * (t - from) / (to - from);
  const y = (v) => TOP + (H - TOP - BOTTOM) * (1 - Math.min(v, max) / max);
  const titleId = id + '-title';
  const latest = series.map(s => s.points.length ? `${s.name} ${format(s.points[s.points.length - 1].v)} ${unit}` : null).filter(Boolean);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', id, role: 'img', 'aria-labelledby': titleId },
    svg('title', { id: titleId }, `${title} over the last ${Math.round((to - from) / MINUTE)} minutes, 0 to ${format(max)} ${unit}`
      + (latest.length ? '; latest: ' + latest.join(', ') : '; no data')));
  for (const v of ticks(max)) {
    chart.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: LEFT - 5, y: y(v) + 3.5, class: 'tick', 'text-anchor': 'end' }, format(v)));
  }
  const span = to - from;
  const every = span > 6 * 3600000 ? 3600000 * 3 : span > 90 * MINUTE ? 3600000 : span > 30 * MINUTE ? 15 * MINUTE : 5 * MINUTE;
  for (let t = Math.ceil(from / every) * every; t <= to; t += every) {
    chart.append(svg('line', { x1: x(t), x2: x(t), y1: H - BOTTOM, y2: H - BOTTOM + 4, class: 'axis' }),
      svg('text', { x: x(t), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, hhmm(t)));
  }
  chart.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: H - BOTTOM, y2: H - BOTTOM, class: 'axis' }),
    svg('line', { x1: LEFT, x2: LEFT, y1: TOP, y2: H - BOTTOM, class: 'axis' }),
    svg('text', { x: 4, y: TOP - 1, class: 'unit' }, unit));
  series.forEach((s, i) => {
    const segments = [];
    let current = [];
    for (const p of s.points) {
      if (current.length && p.t - current[current.length - 1].t > MINUTE) {
        segments.push(current);
        current = [];
      }
      current.push(p);
    }
    if (current.length) segments.push(current);
    for (const seg of segments) {
      if (seg.length === 1) {
        chart.append(svg('circle', { cx: x(seg[0].t), cy: y(seg[0].v), r: 2, class: `point s${i % 6}`, 'data-series': s.name }));
      } else {
        chart.append(svg('polyline', { points: seg.map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '),
          class: `line s${i % 6}`, 'data-series': s.name }));
      }
    }
  });
  return el('figure', { class: 'chart-box' },
    el('figcaption', {}, el('strong', {}, title), latest.length ? el('span', { class: 'muted' }, ' · ' + latest.join(' · ')) : null),
    chart,
    series.length > 1 ? el('div', { class: 'legend' }, series.map((s, i) => el('span', {}, el('i', { class: `swatch s${i % 6}` }), s.name))) : null);
}
