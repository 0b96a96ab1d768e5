// The throughput chart (tasks/s stacked by version) and the version mix strip under it.
import { fitCanvas, rate, el, swatch } from './format.js';

const WINDOW_MS = 120_000;

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

function versionsOf(points) {
  const seen = [];
  for (const point of points) {
    for (const version of [...Object.keys(point.byVersion || {}), ...Object.keys(point.workers || {})]) {
      if (!seen.includes(version)) seen.push(version);
    }
  }
  return seen;
}

export function drawThroughput({ rateCanvas, mixCanvas, legend, summary }, points, versionColor) {
  const recent = points.filter(p => p.t >= (points.length ? points[points.length - 1].t : 0) - WINDOW_MS);
  const versions = versionsOf(recent);
  const end = recent.length ? recent[recent.length - 1].t : Date.now();
  const start = end - WINDOW_MS;

  const { context: g, width, height } = fitCanvas(rateCanvas);
  const left = 44;
  const bottom = 18;
  const plotW = Math.max(10, width - left - 6);
  const plotH = Math.max(10, height - bottom - 8);
  const top = 8;
  g.clearRect(0, 0, width, height);
  const peak = Math.max(0, ...recent.map(p => p.rate || 0));
  const max = niceCeiling(peak * 1.1);
  const x = t => left + ((t - start) / WINDOW_MS) * plotW;
  const y = v => top + plotH - (v / max) * plotH;

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#515a65';
  g.strokeStyle = '#d5dae1';
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    const py = Math.round(y(value)) + 0.5;
    g.beginPath();
    g.moveTo(left, py);
    g.lineTo(left + plotW, py);
    g.stroke();
    g.fillText(rate(value), left - 6, py);
  }
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  g.fillText('−2 min', left + 16, height - 4);
  g.fillText('−1 min', left + plotW / 2, height - 4);
  g.textAlign = 'right';
  g.fillText('now', left + plotW, height - 4);

  if (recent.length > 1) {
    const below = recent.map(() => 0);
    for (const version of versions) {
      const above = recent.map((p, i) => below[i] + ((p.byVersion || {})[version] || 0));
      g.beginPath();
      recent.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(above[i])) : g.lineTo(x(p.t), y(above[i]))));
      for (let i = recent.length - 1; i >= 0; i--) g.lineTo(x(recent[i].t), y(below[i]));
      g.closePath();
      g.fillStyle = versionColor(version) + 'cc';
      g.fill();
      g.strokeStyle = versionColor(version);
      g.lineWidth = 1.5;
      g.beginPath();
      recent.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(above[i])) : g.lineTo(x(p.t), y(above[i]))));
      g.stroke();
      above.forEach((v, i) => { below[i] = v; });
    }
  }

  // The mix strip: ready workers per version, as stacked bars on the same time axis.
  const mix = fitCanvas(mixCanvas);
  const m = mix.context;
  m.clearRect(0, 0, mix.width, mix.height);
  const most = Math.max(1, ...recent.map(p => Object.values(p.workers || {}).reduce((a, b) => a + b, 0)));
  const barH = mix.height - 2;
  recent.forEach((p, i) => {
    const x0 = x(p.t);
    const x1 = i + 1 < recent.length ? x(recent[i + 1].t) : left + plotW;
    let base = mix.height;
    for (const version of versions) {
      const n = (p.workers || {})[version] || 0;
      if (!n) continue;
      const h = (n / most) * barH;
      m.fillStyle = versionColor(version);
      m.fillRect(x0, base - h, Math.max(1, x1 - x0 - 0.5), h);
      base -= h;
    }
  });
  m.fillStyle = '#515a65';
  m.font = '11px system-ui, sans-serif';
  m.textAlign = 'right';
  m.textBaseline = 'top';
  m.fillText(String(most), left - 6, 0);

  const last = recent[recent.length - 1];
  const parts = versions.map(v => `version ${v}: ${rate((last?.byVersion || {})[v] || 0)} tasks/s on ${plural((last?.workers || {})[v] || 0, 'worker')}`);
  const total = last ? last.rate : 0;
  const workers = last ? Object.values(last.workers || {}).reduce((a, b) => a + b, 0) : 0;
  summary.textContent = `now ${rate(total)} tasks/s · ${workers} ready worker${workers === 1 ? '' : 's'} · peak ${rate(peak)} tasks/s`;
  rateCanvas.setAttribute('aria-label', `Tasks per second over the last two minutes. Now ${rate(total)}; peak ${rate(peak)}. ${parts.join('; ')}`);
  mixCanvas.setAttribute('aria-label', `Ready workers by version over the last two minutes. Now: ${versions.map(v => `${(last?.workers || {})[v] || 0} on ${v}`).join(', ') || 'none'}`);
  legend.replaceChildren(...versions.map(v => el('li', {},
    swatch(versionColor(v), `version ${v}`, true),
    el('span', { text: `${v}: ${rate((last?.byVersion || {})[v] || 0)} tasks/s, ${plural((last?.workers || {})[v] || 0, 'worker')}` }))));
}
