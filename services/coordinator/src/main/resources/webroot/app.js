// The Amdahl dashboard: one live event stream from the coordinator drives every view.
import { Colors, VERSION_PALETTE, WORKER_PALETTE, clock, count, duration, el, rate, swatch } from './format.js';
import { drawThroughput } from './charts.js';
import { TileView } from './tiles.js';

const $ = id => document.getElementById(id);
const MAX_POINTS = 300;
const MAX_LOG = 200;
const MAX_JOBS = 25;
const STALE_PULSE_MS = 3000;

const nodeColors = new Colors(WORKER_PALETTE);
const versionColors = new Colors(VERSION_PALETTE);

const state = {
  coordinator: '',
  leader: null,
  localControl: false,
  maxLiveTiles: 4096,
  nodes: [],
  points: [],
  jobs: new Map(),
  local: null,
  follow: true,
  rolling: false,
};

const PARAMS = {
  primes: [
    { name: 'from', label: 'From', value: 1 },
    { name: 'to', label: 'To', value: 20000000 },
  ],
  pi: [
    { name: 'samples', label: 'Samples', value: 200000000 },
    { name: 'seed', label: 'Seed', value: 42 },
  ],
  mandelbrot: [
    { name: 'width', label: 'Width (px)', value: 800 },
    { name: 'height', label: 'Height (px)', value: 600 },
    { name: 'maxIterations', label: 'Max iterations', value: 2000 },
    { name: 'centerX', label: 'Center x', value: -0.5, decimal: true },
    { name: 'centerY', label: 'Center y', value: 0, decimal: true },
    { name: 'scale', label: 'Scale', value: 3, decimal: true },
  ],
  sleep: [
    { name: 'tasks', label: 'Sleeps', value: 40 },
    { name: 'millis', label: 'Each (ms)', value: 250 },
  ],
};

const STATE_TEXT = { READY: 'ready', JOINING: 'joining', DRAINING: 'draining', GONE: 'gone' };
const LOG_TEXT = {
  join: 'joined', ready: 'ready', drain: 'draining', leave: 'left', lost: 'lost',
  requeue: 'requeue', retry: 'retry', failure: 'failure', job: 'job', replica: 'replica won',
};

function versionOfNode(id) {
  const node = state.nodes.find(n => n.id === id);
  return node ? node.version : '?';
}

const tiles = new TileView({
  section: $('image'),
  title: $('image-title'),
  summary: $('image-summary'),
  stage: $('image-stage'),
  pixels: $('image-pixels'),
  outlines: $('image-outlines'),
  legend: $('tile-legend'),
  colorBy: document.querySelectorAll('input[name="color-by"]'),
}, {
  node: id => nodeColors.of(id),
  version: v => versionColors.of(v),
  versionOfNode,
});

// ---- the live stream

function connect() {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => setConnection('live', 'Live'));
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      setConnection('lost', 'Disconnected: retrying in 5 s');
      setTimeout(connect, 5000);
    } else {
      setConnection('lost', 'Connection lost: reconnecting…');
    }
  });
  const on = (name, handler) => source.addEventListener(name, event => handler(JSON.parse(event.data)));
  on('init', onInit);
  on('cluster', onCluster);
  on('job', onJob);
  on('tiles', onTiles);
  on('log', addLog);
}

function setConnection(kind, text) {
  const status = $('connection');
  status.dataset.state = kind;
  status.textContent = text;
}

function onInit(init) {
  state.coordinator = init.coordinator;
  state.localControl = init.localControl;
  state.maxLiveTiles = init.maxLiveTiles;
  state.points = init.throughput || [];
  state.jobs = new Map((init.jobs || []).map(job => [job.id, job]));
  $('served-by').textContent = `served by ${init.coordinator}`;
  $('controls').hidden = !init.localControl;
  $('log').replaceChildren();
  (init.log || []).forEach(addLog);
  if (!(init.log || []).length) $('log').append(el('li', { class: 'empty', text: 'Nothing has happened yet.' }));
  if (init.jobsError) showStatus($('submit-status'), init.jobsError, 'error');
  onCluster(init.cluster || { nodes: [] });
  const newest = [...state.jobs.values()].filter(job => job.kind === 'mandelbrot')
    .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))[0];
  if (newest && !tiles.jobId) tiles.select(newest, state.maxLiveTiles);
  renderJobs();
}

function onCluster(message) {
  state.nodes = message.nodes || [];
  state.leader = message.leader;
  state.local = message.local || null;
  const point = message.point;
  if (point && (!state.points.length || state.points[state.points.length - 1].t < point.t)) {
    state.points.push(point);
    if (state.points.length > MAX_POINTS) state.points.splice(0, state.points.length - MAX_POINTS);
  }
  renderNodes(message.error);
  renderControls();
  drawChart();
  renderJobTimes();
}

function onJob(job) {
  const known = state.jobs.has(job.id);
  state.jobs.set(job.id, job);
  if (job.kind === 'mandelbrot') {
    if (tiles.jobId === job.id) {
      tiles.jobChanged(job);
    } else if (!known && state.follow && job.state !== 'FAILED' && job.state !== 'CANCELLED') {
      // A job can succeed before the page first hears of it (a small image takes a fraction
      // of a second, the feed flushes four times a second): followed, it shows the finished image.
      tiles.select(job, state.maxLiveTiles);
    }
  }
  renderJobs();
}

function onTiles(batch) {
  for (const [jobId, done] of Object.entries(batch.jobs || {})) {
    tiles.tilesDone(jobId, done);
  }
}

// ---- cluster

function renderNodes(error) {
  const body = $('nodes').tBodies[0];
  const rows = new Map([...body.rows].map(row => [row.dataset.nodeId, row]));
  const controllable = new Set((state.local?.workers || []).map(w => w.nodeId));
  const present = [];
  for (const node of state.nodes) {
    let row = rows.get(node.id);
    if (!row) {
      row = el('tr', { 'data-node-id': node.id });
      for (const [cls, label] of [['node-cell', 'Node'], ['', 'Version'], ['state-cell', 'State'],
        ['num', 'Pulse'], ['num', 'Tasks/s'], ['num', 'In flight'], ['actions-cell', '']]) {
        row.append(el('td', { class: cls || null, 'data-label': label }));
      }
    }
    rows.delete(node.id);
    fillNodeRow(row, node, controllable.has(node.id) && node.state !== 'GONE');
    body.append(row);
    present.push(node);
  }
  rows.forEach(row => row.remove());
  const by = role => present.filter(n => n.role === role && n.state !== 'GONE').length;
  const gone = present.filter(n => n.state === 'GONE').length;
  const ready = present.filter(n => n.role === 'worker' && n.state === 'READY').length;
  $('cluster-summary').textContent = error
    ? error
    : `${ready} of ${by('worker')} worker${by('worker') === 1 ? '' : 's'} ready · ${by('coordinator')} coordinator${by('coordinator') === 1 ? '' : 's'} · `
      + `${by('grid')} grid member${by('grid') === 1 ? '' : 's'}${gone ? ` · ${gone} gone` : ''}`;
}

function fillNodeRow(row, node, controllable) {
  const [idCell, versionCell, stateCell, pulseCell, rateCell, flightCell, actionCell] = row.cells;
  row.dataset.state = node.state;
  row.className = node.state === 'GONE' ? 'gone' : '';
  const leader = node.id === state.leader;
  const mark = node.role === 'worker' ? swatch(nodeColors.of(node.id), node.id) : el('span', { class: 'swatch blank', 'aria-hidden': 'true' });
  idCell.replaceChildren(el('span', { class: 'node-id' }, mark, el('span', { text: node.id }),
    leader ? el('span', { class: 'leader-mark', text: 'leader', title: 'this coordinator leads: it splits and merges jobs' }) : null),
  el('span', { class: 'node-sub', text: `${node.role || '?'} · zone ${node.zone || '?'}` }));
  versionCell.replaceChildren(swatch(versionColors.of(node.version || '?'), `version ${node.version}`, true), ` ${node.version || '?'}`);
  let stateText = STATE_TEXT[node.state] || (node.state || '?').toLowerCase();
  let since = null;
  if (node.state === 'GONE') {
    stateText += node.left === 'drained' ? ' · left' : node.left === 'lost' ? ' · lost' : '';
    if (node.goneForMillis != null) since = `${ago(node.goneForMillis)} ago`;
  }
  const badge = el('span', { class: 'badge', 'data-state': node.state, text: stateText });
  stateCell.replaceChildren(...(since ? [badge, el('span', { class: 'node-sub since', text: since })] : [badge]));
  const age = node.pulseAgeMillis;
  if (node.state === 'GONE' || age == null) {
    pulseCell.textContent = '–';
  } else if (age > STALE_PULSE_MS) {
    pulseCell.replaceChildren(el('span', { class: 'stale', text: `⚠ ${duration(age)}`, title: 'no pulse for a while: the node may be frozen or dead' }));
  } else {
    pulseCell.textContent = duration(age);
  }
  const worker = node.role === 'worker';
  rateCell.textContent = worker && node.state !== 'GONE' ? rate(node.tasksPerSecond) : '–';
  flightCell.textContent = worker && node.state !== 'GONE' && node.inFlight != null ? count(node.inFlight) : '–';
  if (controllable) {
    if (!actionCell.firstChild) {
      actionCell.append(el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'data-action': 'stop', 'data-node-id': node.id,
          'aria-label': `Stop ${node.id} gracefully (SIGTERM)`, title: 'SIGTERM: it finishes or hands back its tasks, then leaves', text: 'Stop' }),
        el('button', { type: 'button', class: 'danger', 'data-action': 'kill', 'data-node-id': node.id,
          'aria-label': `Kill ${node.id} (SIGKILL)`, title: 'SIGKILL: it dies at once; its tasks are requeued', text: 'Kill' })));
    }
  } else {
    actionCell.replaceChildren();
  }
}

function ago(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : duration(ms);
}

function renderControls() {
  if (!state.localControl) return;
  const local = state.local;
  const roll = local?.roll;
  const status = $('roll-status');
  if (local?.error) {
    showStatus(status, local.error, 'error');
  } else if (roll && roll.state === 'running') {
    showStatus(status, `Rolling to ${roll.version}: ${roll.replaced} of ${roll.total} workers replaced; ${roll.step}`);
  } else if (roll && roll.state === 'done') {
    showStatus(status, `Rolled ${roll.total} worker${roll.total === 1 ? '' : 's'} to version ${roll.version}.`);
  } else if (roll && roll.state === 'failed') {
    showStatus(status, `The roll to ${roll.version} ${roll.step}`, 'error');
  }
  const rolling = roll?.state === 'running';
  if (state.rolling && !rolling) showStatus($('control-status'), '');
  state.rolling = rolling;
  $('roll-form').querySelector('button').disabled = rolling;
}

async function control(path, body, pending) {
  const status = $('control-status');
  showStatus(status, pending);
  try {
    const response = await fetch(`/api/local/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showStatus(status, answer.error || `the control failed (${response.status})`, 'error');
      return null;
    }
    return answer;
  } catch (e) {
    showStatus(status, `the coordinator did not answer: ${e.message}`, 'error');
    return null;
  }
}

$('add-worker').addEventListener('click', async () => {
  const answer = await control('workers', {}, 'Starting a worker…');
  if (answer) showStatus($('control-status'), `Started ${answer.started}; it shows as joining, then ready.`);
});

$('nodes').addEventListener('click', async event => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const id = button.dataset.nodeId;
  const action = button.dataset.action;
  button.disabled = true;
  const answer = await control(`workers/${encodeURIComponent(id)}/${action}`, {},
    action === 'kill' ? `Killing ${id}…` : `Stopping ${id}…`);
  if (answer) {
    showStatus($('control-status'), action === 'kill'
      ? `Sent SIGKILL to ${id}: it died holding its tasks; the cluster notices and requeues them.`
      : `Sent SIGTERM to ${id}: it drains (finishes or hands back its tasks) and leaves.`);
  } else {
    button.disabled = false;
  }
});

$('roll-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = $('roll-version');
  if (!input.checkValidity()) {
    showStatus($('control-status'), 'A version label is 1 to 32 letters, digits or . _ + -', 'error');
    input.focus();
    return;
  }
  const answer = await control('roll', { version: input.value }, `Rolling to ${input.value}…`);
  if (answer) showStatus($('control-status'), `Rolling ${answer.total} worker${answer.total === 1 ? '' : 's'} to ${input.value}, one at a time.`);
});

// ---- throughput

function drawChart() {
  drawThroughput({
    rateCanvas: $('rate-chart'),
    mixCanvas: $('mix-chart'),
    legend: $('version-legend'),
    summary: $('throughput-now'),
  }, state.points, v => versionColors.of(v));
}

new ResizeObserver(() => drawChart()).observe($('rate-chart'));

// ---- events

function addLog(entry) {
  const list = $('log');
  list.querySelector('.empty')?.remove();
  const item = el('li', { 'data-type': entry.type },
    el('time', { datetime: new Date(entry.time).toISOString(), text: clock(entry.time) }),
    el('span', { class: 'kind', 'data-type': entry.type, text: LOG_TEXT[entry.type] || entry.type }),
    el('span', { class: 'text', text: entry.text }));
  list.prepend(item);
  while (list.children.length > MAX_LOG) list.lastElementChild.remove();
}

// ---- jobs

function isFinal(s) {
  return s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';
}

function newestJobs() {
  return [...state.jobs.values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)).slice(0, MAX_JOBS);
}

function renderJobs() {
  const list = $('job-list');
  const items = new Map([...list.children].map(item => [item.dataset.jobId, item]));
  const shown = newestJobs();
  for (const job of shown) {
    let item = items.get(job.id);
    if (!item) item = buildJob(job);
    items.delete(job.id);
    fillJob(item, job);
    list.append(item);
  }
  items.forEach(item => item.remove());
  const running = shown.filter(j => !isFinal(j.state)).length;
  $('jobs-summary').textContent = shown.length ? `${running} running or queued · ${shown.length - running} finished` : 'none yet: submit one';
}

function buildJob(job) {
  const progress = el('progress', { max: 1, value: 0, 'aria-label': `Progress of job ${job.id}` });
  return el('li', { class: 'job', 'data-job-id': job.id },
    el('div', { class: 'job-head' },
      el('span', { class: 'job-kind', text: job.kind }),
      el('code', { text: job.id }),
      el('span', { class: 'badge' }),
      el('span', { class: 'job-time' })),
    el('div', { class: 'job-progress' }, progress, el('span', { class: 'count' })),
    el('p', { class: 'job-result' }),
    el('div', { class: 'job-actions' }));
}

function fillJob(item, job) {
  item.dataset.state = job.state;
  item.dataset.selected = String(tiles.jobId === job.id);
  const badge = item.querySelector('.badge');
  badge.dataset.state = job.state;
  badge.textContent = job.state.toLowerCase();
  const total = job.progress?.total ?? job.tasks;
  const done = job.progress?.done ?? 0;
  const progress = item.querySelector('progress');
  progress.max = Math.max(1, total);
  progress.value = done;
  item.querySelector('.count').textContent = `${count(done)} / ${count(total)} tasks`;
  const result = item.querySelector('.job-result');
  result.className = 'job-result';
  if (job.state === 'SUCCEEDED') {
    result.textContent = describeResult(job);
  } else if (job.state === 'FAILED') {
    result.classList.add('error');
    result.textContent = job.error?.message || 'failed';
  } else if (job.state === 'CANCELLED') {
    result.textContent = `cancelled (${job.cancelReason || 'stopped'})`;
  } else {
    result.textContent = '';
  }
  const actions = item.querySelector('.job-actions');
  const wanted = [];
  if (!isFinal(job.state)) wanted.push('cancel');
  if (job.kind === 'mandelbrot' && tiles.jobId !== job.id) wanted.push('show');
  if (job.state === 'SUCCEEDED') wanted.push('result');
  if (actions.dataset.wanted !== wanted.join()) {
    actions.dataset.wanted = wanted.join();
    actions.replaceChildren(...wanted.map(kind => jobAction(kind, job)));
  }
  fillJobTime(item, job);
}

function jobAction(kind, job) {
  if (kind === 'cancel') {
    return el('button', { type: 'button', class: 'danger', text: 'Cancel', 'aria-label': `Cancel job ${job.id}`, onclick: () => cancel(job.id) });
  }
  if (kind === 'show') {
    return el('button', { type: 'button', class: 'secondary', text: 'Show image', 'aria-label': `Show the image of job ${job.id}`,
      onclick: () => { state.follow = false; tiles.select(state.jobs.get(job.id), state.maxLiveTiles); renderJobs(); } });
  }
  const png = job.kind === 'mandelbrot';
  return el('a', { href: `/api/jobs/${encodeURIComponent(job.id)}/result`, text: png ? 'Open the PNG' : 'Result as JSON' });
}

function fillJobTime(item, job) {
  const time = item.querySelector('.job-time');
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  if (job.state === 'QUEUED') {
    time.textContent = 'queued';
  } else if (!isFinal(job.state)) {
    time.textContent = started ? `running ${duration(Date.now() - started)}` : 'running';
  } else {
    const ran = job.timeline?.runMillis ?? (started && job.finishedAt ? Date.parse(job.finishedAt) - started : null);
    time.textContent = ran != null ? `took ${duration(ran)}` : job.state.toLowerCase();
  }
}

function renderJobTimes() {
  for (const item of $('job-list').children) {
    const job = state.jobs.get(item.dataset.jobId);
    if (job && !isFinal(job.state)) fillJobTime(item, job);
  }
}

function describeResult(job) {
  const r = job.result || {};
  switch (job.kind) {
    case 'primes':
      return `${count(r.count)} primes from ${count(r.from)} to ${count(r.to)}`;
    case 'pi':
      return `π ≈ ${Number(r.estimate).toFixed(6)} (off by ${Number(r.error).toExponential(1)}, ${count(r.samples)} samples)`;
    case 'mandelbrot':
      return `${count(r.width)}×${count(r.height)} image in ${count(r.tiles)} tiles (${count(Math.round((r.pngBytes || 0) / 1024))} KiB PNG)`;
    case 'sleep':
      return `${count(r.sleeps)} sleeps, ${duration(r.millis)} of sleeping in all`;
    default:
      return JSON.stringify(r);
  }
}

async function cancel(id) {
  const status = $('submit-status');
  try {
    const response = await fetch(`/api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      state.jobs.set(id, answer);
      renderJobs();
      showStatus(status, `Cancelled job ${id}.`);
    } else {
      showStatus(status, answer.error || `could not cancel job ${id} (${response.status})`, 'error');
    }
  } catch (e) {
    showStatus(status, `the coordinator did not answer: ${e.message}`, 'error');
  }
}

// ---- submitting

function renderParams() {
  const kind = $('kind').value;
  const fieldset = $('params');
  const legend = fieldset.querySelector('legend');
  fieldset.replaceChildren(legend, ...PARAMS[kind].map(p => el('label', { for: `param-${p.name}` }, p.label,
    el('input', { id: `param-${p.name}`, name: p.name, type: 'number', step: p.decimal ? 'any' : '1',
      value: String(p.value), required: true, inputmode: p.decimal ? 'decimal' : 'numeric' }))));
}

$('kind').addEventListener('change', renderParams);

$('submit-form').addEventListener('submit', async event => {
  event.preventDefault();
  const status = $('submit-status');
  const kind = $('kind').value;
  const params = {};
  for (const p of PARAMS[kind]) {
    const input = $(`param-${p.name}`);
    if (input.value.trim() === '' || Number.isNaN(Number(input.value))) {
      showStatus(status, `${p.label} needs a number`, 'error');
      input.focus();
      return;
    }
    params[p.name] = Number(input.value);
  }
  const spec = { kind, params };
  const tasksValue = $('tasks').value.trim();
  if (tasksValue) spec.tasks = Number(tasksValue);
  const button = $('submit-job');
  button.disabled = true;
  showStatus(status, 'Submitting…');
  try {
    const response = await fetch('/api/jobs', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 202) {
      showStatus(status, `Submitted job ${answer.id}: ${count(answer.tasks)} tasks.`);
      state.follow = true;
    } else {
      showStatus(status, answer.error || `the job was refused (${response.status})`, 'error');
      const field = answer.field && document.getElementById(`param-${answer.field.replace(/^params\./, '')}`);
      if (field) field.focus();
    }
  } catch (e) {
    showStatus(status, `the coordinator did not answer: ${e.message}`, 'error');
  } finally {
    button.disabled = false;
  }
});

function showStatus(element, text, kind) {
  element.textContent = text;
  if (kind) element.dataset.kind = kind;
  else delete element.dataset.kind;
}

renderParams();
connect();
