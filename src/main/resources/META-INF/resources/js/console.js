// The curator's console: the queue, the policy, model versions with Promote and Rollback, the
// fine-tuning job followed live, and the learning curve. Requests and their errors go through
// glean.js, as every page's do.
import { api, notify, shell } from '/js/glean.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const when = (instant) => (instant ? new Date(instant).toLocaleString() : '');
const figure = (value, digits = 3) => (value === null || value === undefined ? '—' : Number(value).toFixed(digits));
const shortId = (versionId) => (versionId ? versionId.slice(0, 8) : '');

// Builds an element with text content, never HTML: names and reasons come from users.
function el(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  return node;
}

function table(target, headings, rows) {
  target.replaceChildren();
  const head = el('tr');
  headings.forEach((heading) => head.append(el('th', heading)));
  target.append(el('thead'));
  target.tHead.append(head);
  const body = el('tbody');
  rows.forEach((row) => body.append(row));
  target.append(body);
  if (rows.length === 0) {
    const empty = el('tr');
    empty.append(el('td', 'None.', { colspan: headings.length, class: 'empty' }));
    body.append(empty);
  }
}

function row(cells, attributes = {}) {
  const tr = el('tr', null, attributes);
  cells.forEach((cell) => tr.append(cell instanceof Node ? wrap(cell) : el('td', cell)));
  return tr;
}

function wrap(node) {
  const td = el('td');
  td.append(node);
  return td;
}

// ---- Queue ----

const informativeness = (task) => (task.informativeness === null ? 'no object found' : figure(task.informativeness));

async function loadQueue() {
  const queue = await api('/api/console/queue');
  $('waiting-count').textContent = `${queue.waiting} waiting`;
  table($('waiting-tasks'), ['Task', 'Informativeness', 'State', 'Last annotator', 'Model', 'Created'],
    queue.waitingTasks.map((task) => row([task.taskId, informativeness(task), task.state, task.annotator || '',
      shortId(task.modelVersion), when(task.createdAt)], { 'data-task': task.taskId })));
  table($('claimed-tasks'), ['Task', 'Informativeness', 'Annotator', 'Lease ends', 'Created'],
    queue.claimed.map((task) => row([task.taskId, informativeness(task), task.annotator,
      when(task.leaseExpiresAt), when(task.createdAt)], { 'data-task': task.taskId })));
  table($('submitted-tasks'), ['Task', 'Informativeness', 'Annotator', 'Submitted', 'Created'],
    queue.latestSubmitted.map((task) => row([task.taskId, informativeness(task), task.annotator,
      when(task.submittedAt), when(task.createdAt)], { 'data-task': task.taskId })));
}

// ---- Policy ----

const UNITS = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];

function describePeriod(seconds) {
  const [size, name] = UNITS.find(([unit]) => seconds % unit === 0);
  const count = seconds / size;
  return `${count} ${name}${count === 1 ? '' : 's'}`;
}

function showPolicy(policy) {
  $('policy-current').textContent = `In force: version ${policy.version}, threshold `
    + `${policy.informativenessThreshold === null ? 'none' : policy.informativenessThreshold}, budget `
    + `${policy.budgetPerPeriod === 0 ? 'none' : `${policy.budgetPerPeriod} per ${describePeriod(policy.budgetPeriodSeconds)}`}`
    + ` — set by ${policy.changedBy}, ${when(policy.changedAt)}.`;
  const form = $('policy-form');
  form.threshold.value = policy.informativenessThreshold ?? '';
  form.budget.value = policy.budgetPerPeriod;
  const [size] = UNITS.find(([unit]) => policy.budgetPeriodSeconds % unit === 0);
  form.periodUnit.value = String(size);
  form.periodValue.value = policy.budgetPeriodSeconds / size;
}

// The form's own checks, in words, before the server's.
function policyChange(form) {
  const threshold = form.threshold.value.trim();
  const budget = Number(form.budget.value);
  const period = Number(form.periodValue.value) * Number(form.periodUnit.value);
  if (threshold !== '' && !Number.isFinite(Number(threshold))) return 'The threshold must be a number, or empty for none.';
  if (form.budget.value.trim() === '' || !Number.isInteger(budget) || budget < 0) {
    return 'The budget must be a whole number of tasks: 0 for no budget.';
  }
  if (!Number.isInteger(period) || period < 1) return 'The budget period must be a whole, positive length of time.';
  return { informativenessThreshold: threshold === '' ? null : Number(threshold), budgetPerPeriod: budget,
    budgetPeriodSeconds: period };
}

async function savePolicy(event) {
  event.preventDefault();
  $('policy-error').textContent = '';
  const change = policyChange(event.target);
  if (typeof change === 'string') {
    $('policy-error').textContent = change;
    return;
  }
  try {
    const policy = await api('/api/console/policy', { method: 'PUT', body: change });
    showPolicy(policy);
    notify(`Policy version ${policy.version} is in force.`, 'info');
  } catch (e) {
    $('policy-error').textContent = e.message;
  }
}

// ---- Model versions, Promote and Rollback ----

let pendingAction = null;

function askReason(title, confirm, action) {
  pendingAction = action;
  $('reason-title').textContent = title;
  $('reason-confirm').textContent = confirm;
  $('reason-error').textContent = '';
  $('reason').value = '';
  $('reason-dialog').showModal();
}

async function confirmReason(event) {
  event.preventDefault();
  const reason = $('reason').value.trim();
  if (!reason) {
    $('reason-error').textContent = 'Give a reason: it is kept in the promotion history.';
    return;
  }
  $('reason-confirm').disabled = true;
  try {
    const version = await pendingAction(reason);
    $('reason-dialog').close();
    $('models-outcome').textContent = `Version ${version.versionId} is current now.`;
    await Promise.all([loadModels(), loadCurve(), loadQueue()]);
  } catch (e) {
    $('reason-error').textContent = e.message;
  } finally {
    $('reason-confirm').disabled = false;
  }
}

function promoteButton(version) {
  if (version.state === 'CURRENT') return el('span', 'current', { class: 'badge current' });
  const button = el('button', 'Promote…', { type: 'button', class: 'promote' });
  button.addEventListener('click', () => askReason(`Promote version ${version.versionId}`, 'Promote',
    (reason) => api(`/api/console/models/${encodeURIComponent(version.versionId)}/promote`,
      { method: 'POST', body: { reason } })));
  return button;
}

async function loadModels() {
  const versions = await api('/api/console/models');
  table($('versions'), ['Version', 'State', 'Source', 'Parent', 'Validation mAP', 'Annotations', 'Why a candidate',
    'Registered', 'Retired', ''],
  versions.slice().reverse().map((version) => row([version.versionId,
    version.state + (version.rolledBack ? ' (rolled back)' : ''), version.source, version.parentVersion || '',
    figure(version.validationMap), version.trainingAnnotations ?? '—', version.candidateReason || '',
    when(version.registeredAt), when(version.retiredAt), promoteButton(version)],
  { 'data-version': version.versionId, 'data-state': version.state })));
}

// ---- The fine-tuning job, followed live ----

let following = null;

function showJob(job) {
  const target = $('job');
  target.replaceChildren();
  if (!job) {
    target.append(el('p', 'No fine-tuning job has run yet.'));
    return;
  }
  target.dataset.state = job.state;
  target.append(el('p', `Job ${job.jobId}: ${job.state.toLowerCase()} — ${job.trigger === 'AUTO'
    ? 'started by Glean after enough new annotations' : `started by ${job.requestedBy}`}, ${when(job.createdAt)}, `
    + `from version ${shortId(job.parentVersion)}; ${job.epochs} epoch(s) at learning rate ${job.learningRate}.`,
  { class: 'job-summary' }));
  const progress = el('progress', null, { max: job.epochs, id: 'job-progress' });
  progress.value = job.state === 'RUNNING' ? Math.max(0, job.epoch - 1) : job.epochs;
  target.append(progress);
  const facts = el('dl', null, { class: 'facts' });
  [['Epoch', `${job.epoch} of ${job.epochs}`], ['Step', job.step], ['Loss', figure(job.loss, 4)],
    ['Images/s', figure(job.imagesPerSecond, 1)],
    ['Training / held-out frames', job.trainingImages === null ? '—' : `${job.trainingImages} / ${job.validationImages}`],
    ['Held-out studies', job.validationStudies ?? '—'], ['Validation mAP', figure(job.validationMap)],
    ['Current version\'s mAP', figure(job.currentMap)]].forEach(([name, value]) => {
    facts.append(el('dt', name), el('dd', value));
  });
  target.append(facts);
  if (job.state !== 'RUNNING') {
    const outcome = job.state === 'FAILED' ? `Failed: ${job.reason}`
      : `${job.outcome === 'PROMOTED' ? 'Promoted' : 'Kept as a candidate'}: version ${job.candidateVersion}. ${job.reason}`;
    target.append(el('p', outcome, { class: `job-outcome ${job.state === 'FAILED' ? 'error' : ''}`, id: 'job-outcome' }));
  }
  $('job-start').disabled = job.state === 'RUNNING';
}

function follow(job) {
  showJob(job);
  if (following) following.close();
  following = null;
  if (!job || job.state !== 'RUNNING') return;
  const events = new EventSource(`/api/console/jobs/${job.jobId}/progress`);
  following = events;
  events.onmessage = (message) => {
    const now = JSON.parse(message.data);
    showJob(now);
    if (now.state !== 'RUNNING') {
      events.close();
      following = null;
      Promise.all([loadModels(), loadCurve()]).catch((e) => notify(e.message));
    }
  };
  // The stream ends after the job's last state; a broken one is picked up again from the job as stored.
  events.onerror = () => {
    events.close();
    if (following !== events) return;
    following = null;
    notify('The connection to Glean was lost while following the job; trying again.', 'warning');
    setTimeout(() => api(`/api/console/jobs/${job.jobId}`).then((now) => {
      notify('');
      follow(now);
      if (now.state !== 'RUNNING') return Promise.all([loadModels(), loadCurve()]);
      return null;
    }).catch((e) => notify(e.message)), 3000);
  };
}

async function startJob(event) {
  event.preventDefault();
  $('job-error').textContent = '';
  const form = event.target;
  const epochs = form.epochs.value.trim();
  const rate = form.learningRate.value.trim();
  if (epochs !== '' && !(Number.isInteger(Number(epochs)) && Number(epochs) >= 1 && Number(epochs) <= 1000)) {
    $('job-error').textContent = 'Epochs must be a whole number from 1 to 1000, or empty for the server\'s setting.';
    return;
  }
  if (rate !== '' && !(Number(rate) > 0 && Number(rate) <= 1)) {
    $('job-error').textContent = 'The learning rate must be above 0 and at most 1, or empty for the server\'s setting.';
    return;
  }
  try {
    const job = await api('/api/console/jobs', { method: 'POST', body: {
      epochs: epochs === '' ? null : Number(epochs), learningRate: rate === '' ? null : Number(rate) } });
    follow(job);
  } catch (e) {
    $('job-error').textContent = e.message;
  }
}

// ---- The learning curve, drawn as SVG ----

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawCurve(curve) {
  const plotted = curve.points.filter((point) => point.trainingAnnotations !== null && point.validationMap !== null);
  const width = 640;
  const height = 320;
  const margin = { left: 56, right: 24, top: 16, bottom: 44 };
  const maxX = Math.max(1, curve.annotationsNow, ...plotted.map((point) => point.trainingAnnotations));
  const x = (annotations) => margin.left + (annotations / maxX) * (width - margin.left - margin.right);
  const y = (map) => height - margin.bottom - map * (height - margin.top - margin.bottom);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', id: 'curve-chart',
    'aria-label': `Validation mAP against annotations: ${plotted.length} version(s)` });
  for (let tick = 0; tick <= 1.0001; tick += 0.25) {
    chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid' }));
    chart.append(svg('text', { x: margin.left - 8, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, tick.toFixed(2)));
  }
  const step = Math.max(1, Math.ceil(maxX / 5));
  for (let tick = 0; tick <= maxX; tick += step) {
    chart.append(svg('text', { x: x(tick), y: height - margin.bottom + 16, class: 'tick', 'text-anchor': 'middle' },
      String(tick)));
  }
  chart.append(svg('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: height - margin.bottom, class: 'axis' }));
  chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom,
    y2: height - margin.bottom, class: 'axis' }));
  chart.append(svg('text', { x: (width + margin.left) / 2, y: height - 6, class: 'label', 'text-anchor': 'middle' },
    'annotations'));
  chart.append(svg('text', { x: 14, y: (height - margin.bottom) / 2, class: 'label', 'text-anchor': 'middle',
    transform: `rotate(-90 14 ${(height - margin.bottom) / 2})` }, 'validation mAP@0.5'));
  chart.append(svg('line', { x1: x(curve.annotationsNow), x2: x(curve.annotationsNow), y1: margin.top,
    y2: height - margin.bottom, class: 'now' }));
  // the label goes inside the plot, on whichever side of the line has room
  const nowOnLeft = x(curve.annotationsNow) < (width + margin.left) / 2;
  chart.append(svg('text', { x: x(curve.annotationsNow) + (nowOnLeft ? 4 : -4), y: margin.top + 24, class: 'tick',
    'text-anchor': nowOnLeft ? 'start' : 'end' }, `now: ${curve.annotationsNow} annotations`));
  if (plotted.length > 1) {
    chart.append(svg('polyline', { class: 'line', points: plotted.map((point) =>
      `${x(point.trainingAnnotations)},${y(point.validationMap)}`).join(' ') }));
  }
  plotted.forEach((point) => {
    const dot = svg('circle', { cx: x(point.trainingAnnotations), cy: y(point.validationMap), r: point.current ? 6 : 4,
      class: `point${point.current ? ' current' : ''}${point.rolledBack ? ' rolled-back' : ''}`,
      'data-version': point.versionId });
    dot.append(svg('title', {}, `${point.versionId}: mAP ${figure(point.validationMap)} after `
      + `${point.trainingAnnotations} annotations${point.current ? ' (current)' : ''}`
      + `${point.rolledBack ? ' (rolled back)' : ''}`));
    chart.append(dot);
    chart.append(svg('text', { x: x(point.trainingAnnotations) + 8, y: y(point.validationMap) - 8, class: 'tick' },
      shortId(point.versionId)));
  });
  $('curve').replaceChildren(chart);
  $('curve-notes').replaceChildren(...curve.points.filter((point) => !plotted.includes(point)).map((point) =>
    el('li', `${point.versionId}${point.current ? ' (current)' : ''} is not on the chart: `
      + (point.validationMap === null ? 'it was installed, not fine-tuned here, so no validation mAP is recorded.'
        : 'it was fine-tuned before Glean recorded how many annotations a version was trained on.'))));
}

async function loadCurve() {
  drawCurve(await api('/api/console/models/learning-curve'));
}

// ---- Start ----

async function start() {
  const session = await shell('console');
  if (!session.roles.includes('curator') && !session.roles.includes('admin')) {
    notify('The console is for curators: your account does not have the curator role.', 'warning');
    return;
  }
  $('console').hidden = false;
  $('queue-refresh').addEventListener('click', () => loadQueue().catch((e) => notify(e.message)));
  $('policy-form').addEventListener('submit', savePolicy);
  $('rollback').addEventListener('click', () => askReason('Roll back to the version before the current one',
    'Roll back', (reason) => api('/api/console/models/rollback', { method: 'POST', body: { reason } })));
  $('reason-form').addEventListener('submit', confirmReason);
  $('reason-cancel').addEventListener('click', () => $('reason-dialog').close());
  $('job-form').addEventListener('submit', startJob);
  await Promise.all([loadQueue(), api('/api/console/policy').then(showPolicy), loadModels(),
    api('/api/console/jobs/latest').then(follow), loadCurve()]);
}

start().catch((e) => notify(e.message));
