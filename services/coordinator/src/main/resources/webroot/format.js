// Formatting and colors shared by the dashboard's views.

const numbers = new Intl.NumberFormat('en');

export function count(n) {
  return n == null ? '–' : numbers.format(n);
}

export function rate(n) {
  if (n == null) return '–';
  return n >= 100 ? numbers.format(Math.round(n)) : n.toFixed(1);
}

export function duration(ms) {
  if (ms == null || Number.isNaN(ms)) return '–';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function clock(time) {
  return new Date(time).toLocaleTimeString('en-GB', { hour12: false });
}

// Okabe–Ito, which stays distinct under the common color-vision deficiencies, then a few more.
export const WORKER_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#7A5195', '#8C6D31', '#3B3B3B', '#B8860B'];
// Versions get their own colors, so a version is never mistaken for a worker.
export const VERSION_PALETTE = ['#5E3C99', '#E66101', '#1B7837', '#B2182B', '#2166AC', '#8C510A', '#01665E', '#C51B7D'];

/** Hands out a stable color per key, in the order keys are first seen. */
export class Colors {
  constructor(palette) {
    this.palette = palette;
    this.assigned = new Map();
  }

  of(key) {
    if (!this.assigned.has(key)) {
      this.assigned.set(key, this.palette[this.assigned.size % this.palette.length]);
    }
    return this.assigned.get(key);
  }
}

/** A small element with text, class and attributes; text is always set as text, never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child != null) node.append(child);
  }
  return node;
}

/** A color mark; versions get round ones, so a version never passes for a worker. */
export function swatch(color, label, round = false) {
  const mark = el('span', { class: round ? 'swatch round' : 'swatch', title: label, 'aria-hidden': 'true' });
  // Through the CSSOM: the page's policy forbids style attributes.
  mark.style.backgroundColor = color;
  return mark;
}

/** Sizes a canvas's drawing buffer to its displayed size; returns the 2D context scaled to CSS pixels. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, width: canvas.clientWidth, height: canvas.clientHeight };
}
