// A Mandelbrot job drawn tile by tile as its tasks finish, each tile outlined in the color
// of the worker (or version) that computed it; the finished image replaces the tiles.
import { el, swatch, count } from './format.js';

const CONCURRENT_FETCHES = 4;

export class TileView {
  constructor(elements, colors) {
    this.e = elements;
    this.colors = colors;
    this.current = null;
    this.colorBy = 'worker';
    this.pending = false;
    for (const radio of this.e.colorBy) {
      radio.addEventListener('change', () => {
        this.colorBy = radio.value;
        this.redraw();
      });
    }
  }

  get jobId() {
    return this.current?.id ?? null;
  }

  /** Shows {@code job}, a Mandelbrot job record. */
  select(job, maxLiveTiles) {
    if (this.current?.id === job.id) {
      this.jobChanged(job);
      return;
    }
    const { width, height } = job.params;
    const view = {
      id: job.id, state: job.state, width, height, total: job.tasks,
      rects: null, by: new Map(), drawn: new Set(), queue: [], inflight: 0, final: false,
      live: job.tasks <= maxLiveTiles,
    };
    this.current = view;
    this.e.section.hidden = false;
    this.e.title.textContent = `Mandelbrot · job ${job.id}`;
    for (const canvas of [this.e.pixels, this.e.outlines]) {
      canvas.width = width;
      canvas.height = height;
    }
    this.e.stage.style.aspectRatio = `${width} / ${height}`;
    const g = this.e.pixels.getContext('2d');
    g.fillStyle = '#10131a';
    g.fillRect(0, 0, width, height);
    this.e.outlines.getContext('2d').clearRect(0, 0, width, height);
    this.e.section.dataset.job = job.id;
    this.e.section.dataset.final = 'false';
    this.redraw();
    if (view.live) {
      fetch(`/api/jobs/${encodeURIComponent(job.id)}/tiles`)
        .then(response => (response.ok ? response.json() : null))
        .then(layout => {
          if (!layout || this.current !== view) return;
          view.rects = layout.tiles;
          for (const [index, node] of layout.done) {
            if (!view.by.has(index)) view.by.set(index, node);
          }
          if (!view.final && view.state !== 'SUCCEEDED') {
            view.by.forEach((node, index) => view.queue.push(index));
          }
          this.jobChanged(job);
          this.pump();
          this.redraw();
        })
        .catch(() => this.note('the tile layout could not be loaded; the image appears when the job is done'));
    } else {
      this.jobChanged(job);
    }
  }

  /** A newer record of the shown job: its state may have changed. */
  jobChanged(job) {
    const view = this.current;
    if (!view || view.id !== job.id) return;
    view.state = job.state;
    if (job.state === 'SUCCEEDED' && !view.final) {
      this.showFinal(view);
    } else if (job.state === 'FAILED' || job.state === 'CANCELLED') {
      view.queue = [];
    }
    this.redraw();
  }

  /** Tiles just done: [[index, node], ...] for job {@code jobId}. */
  tilesDone(jobId, tiles) {
    const view = this.current;
    if (!view || view.id !== jobId) return;
    for (const [index, node] of tiles) {
      if (view.by.has(index)) continue;
      view.by.set(index, node);
      if (view.live && !view.final && view.rects) view.queue.push(index);
    }
    this.pump();
    this.redraw();
  }

  pump() {
    const view = this.current;
    while (view && !view.final && view.inflight < CONCURRENT_FETCHES && view.queue.length) {
      const index = view.queue.shift();
      if (view.drawn.has(index)) continue;
      view.inflight++;
      fetch(`/api/jobs/${encodeURIComponent(view.id)}/tiles/${index}.png`)
        .then(response => (response.ok ? response.blob() : null))
        .then(blob => (blob ? createImageBitmap(blob) : null))
        .then(bitmap => {
          if (!bitmap || this.current !== view || view.final) return;
          const [x, y] = view.rects[index];
          this.e.pixels.getContext('2d').drawImage(bitmap, x, y);
          bitmap.close();
          view.drawn.add(index);
          this.redraw();
        })
        .catch(() => {})
        .finally(() => {
          view.inflight--;
          this.pump();
        });
    }
  }

  showFinal(view) {
    view.final = true;
    view.queue = [];
    const image = new Image();
    image.src = `/api/jobs/${encodeURIComponent(view.id)}/result`;
    image.decode()
      .then(() => {
        if (this.current !== view) return;
        this.e.pixels.getContext('2d').drawImage(image, 0, 0);
        this.e.section.dataset.final = 'true';
        this.redraw();
      })
      .catch(() => this.note('the finished image could not be loaded'));
  }

  note(text) {
    this.e.summary.textContent = text;
  }

  /** Redraws outlines, legend and summary, at most once a frame. */
  redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  keyOf(node) {
    return this.colorBy === 'worker' ? node : this.colors.versionOfNode(node);
  }

  colorOf(key) {
    return this.colorBy === 'worker' ? this.colors.node(key) : this.colors.version(key);
  }

  draw() {
    const view = this.current;
    if (!view) return;
    const g = this.e.outlines.getContext('2d');
    g.clearRect(0, 0, view.width, view.height);
    const line = Math.max(1, Math.round(Math.max(view.width, view.height) / 300));
    const groups = new Map();
    if (view.rects) {
      view.by.forEach((node, index) => {
        const rect = view.rects[index];
        if (!rect) return;
        const key = this.keyOf(node);
        groups.set(key, (groups.get(key) || 0) + 1);
        const [x, y, w, h] = rect;
        g.lineWidth = line + 2;
        g.strokeStyle = 'rgba(0,0,0,0.55)';
        g.strokeRect(x + line / 2, y + line / 2, w - line, h - line);
        g.lineWidth = line;
        g.strokeStyle = this.colorOf(key);
        g.strokeRect(x + line / 2, y + line / 2, w - line, h - line);
      });
    }
    const done = view.final ? view.total : view.by.size;
    const section = this.e.section.dataset;
    section.tilesTotal = view.total;
    section.tilesDone = view.by.size;
    section.tilesDrawn = view.drawn.size;
    let text;
    if (view.final) {
      text = `image complete: ${count(view.total)} tiles, ${count(view.drawn.size)} of them drawn as they arrived`;
    } else if (!view.live) {
      text = `${count(view.total)} tiles are too many to draw one by one; the image appears when the job is done`;
    } else if (view.state === 'FAILED' || view.state === 'CANCELLED') {
      text = `job ${view.state.toLowerCase()}: ${count(view.by.size)} of ${count(view.total)} tiles were done`;
    } else {
      text = `${count(done)} of ${count(view.total)} tiles done`;
    }
    this.e.summary.textContent = text;
    this.e.pixels.setAttribute('aria-label', `Mandelbrot image of job ${view.id}, ${view.width} by ${view.height} pixels: ${text}`);
    const label = this.colorBy === 'worker' ? (key => `${key} (version ${this.colors.versionOfNode(key)})`) : (key => `version ${key}`);
    this.e.legend.replaceChildren(...[...groups.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) =>
      el('li', {}, swatch(this.colorOf(key), label(key), this.colorBy === 'version'), el('span', { text: `${label(key)}: ${count(n)} ${n === 1 ? 'tile' : 'tiles'}` }))));
  }
}
