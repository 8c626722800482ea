// The annotator's page: claim the most informative study, window and scroll through its images,
// correct the model's boxes, and submit; the draft lives in the page and in localStorage until
// the server has accepted it.

import { api, ApiError, minutesSeconds, notify, shell } from '/js/glean.js';
import { frameBytes, instanceDescription, seriesDescriptions, storedValues } from '/js/dicomweb.js';
import { Frame, Viewer } from '/js/viewer.js';

const KIND_WORDS = {
  ep_loc: ['where', 'the model is unsure where the object is: its alternatives put the box in different places'],
  al_loc: ['where', 'the object\'s outline is unclear in the image itself (noise, blur, a faint edge)'],
  ep_cls: ['what', 'the model is unsure what the object is: its alternatives name different classes'],
  al_cls: ['what', 'what the object is stays unclear in the image itself'],
};
const KINDS = ['ep_loc', 'al_loc', 'ep_cls', 'al_cls'];
const HANDLE = 6; // CSS pixels around a corner or edge that grab it
const MIN_BOX = 1; // image pixels: a smaller drawn box is dropped
const LEASE_WARNING_MS = 5 * 60 * 1000;
const PREFETCH = 4;

const $ = (id) => document.getElementById(id);
const state = {
  user: null, task: null, series: [], seriesIndex: 0, slice: 0, draft: null, selected: null,
  frames: new Map(), descriptions: new Map(), clockOffset: 0, expired: false, busy: false,
  timing: null, nextBoxId: 1, edit: null,
  // aborts the image requests of a study left behind, so that they do not slow the next one
  loads: new AbortController(),
};
/** What the page measured: {what: 'next' | 'submit', ms}, from the request to the first image drawn. */
window.gleanTimings = [];

const viewer = new Viewer($('viewer'), {
  drawOverlay, pointer, scroll: (steps) => goToSlice(state.slice + steps), changed: showWindowState,
});

// ---------------------------------------------------------------- drafts

function draftKey(taskId) {
  return `glean.draft.${state.user}.${taskId}`;
}

function imageKey(image) {
  return `${image.sopInstanceUid}/${image.frame}`;
}

function saveDraft() {
  if (!state.task) return;
  const boxes = {};
  for (const [key, list] of state.draft) {
    boxes[key] = list.map(({ label, xmin, ymin, xmax, ymax, proposal, moved }) =>
      ({ label, xmin, ymin, xmax, ymax, proposal, moved }));
  }
  try {
    localStorage.setItem(draftKey(state.task.id), JSON.stringify({ taskId: state.task.id, boxes, savedAt: Date.now() }));
    localStorage.setItem(`glean.task.${state.user}`, String(state.task.id));
    $('draft-state').textContent = 'Your boxes are kept in this browser until the server accepts them.';
  } catch (e) {
    $('draft-state').textContent = 'This browser would not keep a copy of your boxes; submit before closing the page.';
  }
}

// The boxes the annotator left in this browser for the task, else the model's proposals.
function initialDraft(task) {
  const draft = new Map();
  let stored = null;
  try {
    stored = JSON.parse(localStorage.getItem(draftKey(task.id)) || 'null');
  } catch (e) {
    stored = null;
  }
  for (const series of task.series) {
    for (const image of series.images) {
      const key = imageKey(image);
      const saved = stored && stored.boxes[key];
      const boxes = saved || image.proposals.map((p, index) => ({
        label: p.label, xmin: p.xmin, ymin: p.ymin, xmax: p.xmax, ymax: p.ymax, proposal: index, moved: false,
      }));
      draft.set(key, boxes.map((box) => ({ ...box, id: state.nextBoxId++ })));
    }
  }
  return { draft, restored: Boolean(stored) };
}

// ---------------------------------------------------------------- tasks

/** Claims and opens the next study; start is when the annotator asked for it (performance.now()). */
async function takeNext(what, start = performance.now()) {
  if (state.busy) return;
  state.busy = true;
  state.timing = { what, start };
  try {
    const task = await api('/api/annotation/tasks/next', { method: 'POST' });
    if (!task) {
      closeTask('No study is waiting for annotation. This page looks again every 30 seconds.');
      setTimeout(() => { if (!state.task) takeNext('next'); }, 30000);
      return;
    }
    await openTask(task);
  } catch (e) {
    notify(e.message);
  } finally {
    state.busy = false;
  }
}

function stopLoading() {
  state.loads.abort();
  state.loads = new AbortController();
}

async function openTask(task) {
  stopLoading();
  state.task = task;
  state.series = task.series;
  state.frames = new Map();
  state.descriptions = new Map();
  state.expired = false;
  state.selected = null;
  state.clockOffset = Date.parse(task.serverTime) - Date.now();
  const { draft, restored } = initialDraft(task);
  state.draft = draft;
  saveDraft();
  notify(restored ? 'Your boxes for this study were restored from this browser.' : '', 'info');
  $('workspace').classList.remove('idle');
  $('start').hidden = true;
  $('task-info').hidden = false;
  $('task-id').textContent = String(task.id);
  fillLabels(task.classNames);
  showWhy(task);
  showLease();
  const start = startingImage(task);
  state.seriesIndex = start.series;
  state.slice = start.slice;
  await showCurrent(true);
  prefetchSeries();
}

function closeTask(message) {
  stopLoading();
  state.task = null;
  $('workspace').classList.add('idle');
  $('start').hidden = false;
  $('task-info').hidden = true;
  $('boxes').replaceChildren();
  $('queue-state').textContent = message;
}

// The image that drove the choice, else the first with a proposal, else the first.
function startingImage(task) {
  const driver = task.drivenBy;
  let firstWithBoxes = null;
  for (let s = 0; s < task.series.length; s++) {
    const images = task.series[s].images;
    for (let i = 0; i < images.length; i++) {
      if (driver && images[i].sopInstanceUid === driver.sopInstanceUid && images[i].frame === driver.frame) {
        return { series: s, slice: i };
      }
      if (!firstWithBoxes && images[i].proposals.length) firstWithBoxes = { series: s, slice: i };
    }
  }
  return firstWithBoxes || { series: 0, slice: 0 };
}

function submission() {
  const images = [];
  for (const series of state.task.series) {
    for (const image of series.images) {
      const boxes = state.draft.get(imageKey(image)).map(({ label, xmin, ymin, xmax, ymax }) =>
        ({ label, xmin: round(xmin), ymin: round(ymin), xmax: round(xmax), ymax: round(ymax) }));
      images.push({ sopInstanceUid: image.sopInstanceUid, frame: image.frame, boxes });
    }
  }
  return { images };
}

async function submit() {
  if (!state.task || state.busy) return;
  state.busy = true;
  const task = state.task;
  const start = performance.now();
  try {
    await api(`/api/annotation/tasks/${task.id}/submission`, { method: 'POST', body: submission() });
    performance.measure('glean-submission', { start, end: performance.now() });
  } catch (e) {
    state.busy = false;
    refused(e);
    return;
  }
  localStorage.removeItem(draftKey(task.id));
  localStorage.removeItem(`glean.task.${state.user}`);
  state.busy = false;
  await takeNext('submit', start);
}

async function skip() {
  if (!state.task || state.busy) return;
  const dialog = $('skip-dialog');
  $('skip-reason').value = '';
  dialog.showModal();
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'skip' || !$('skip-reason').value.trim()) return;
    await finish('skip', { reason: $('skip-reason').value.trim() });
  }, { once: true });
}

async function release() {
  if (!state.task || state.busy) return;
  if (!confirm('Give this study back to the queue? Your boxes stay in this browser.')) return;
  await finish('release');
}

async function finish(action, body) {
  const task = state.task;
  state.busy = true;
  try {
    await api(`/api/annotation/tasks/${task.id}/${action}`, { method: 'POST', body });
    if (action === 'skip') localStorage.removeItem(draftKey(task.id));
    localStorage.removeItem(`glean.task.${state.user}`);
    closeTask(action === 'skip' ? 'Skipped. Take the next study when you are ready.'
      : 'Given back to the queue. Take the next study when you are ready.');
  } catch (e) {
    refused(e);
  } finally {
    state.busy = false;
  }
}

async function renew() {
  if (!state.task || state.busy || state.expired) return;
  try {
    const lease = await api(`/api/annotation/tasks/${state.task.id}/lease`, { method: 'POST' });
    state.task.leaseExpiresAt = lease.leaseExpiresAt;
    state.clockOffset = Date.parse(lease.serverTime) - Date.now();
    notify('You have more time on this study.', 'info');
    showLease();
  } catch (e) {
    refused(e);
  }
}

// A refusal in words; a lease that ran out or a task taken by someone else ends the task here.
function refused(error) {
  if (error instanceof ApiError && (error.code === 'lease-expired' || error.code === 'task-taken')) {
    expire(error.message);
    return;
  }
  notify(error.message);
}

function expire(message) {
  state.expired = true;
  $('submit').disabled = true;
  $('renew').disabled = true;
  $('lease').className = 'expired';
  $('lease').textContent = 'Time is up on this study.';
  notify(message, 'warning');
  $('start').hidden = false;
  $('queue-state').textContent = 'Take the next study to go on.';
}

function showLease() {
  if (!state.task || state.expired) return;
  $('submit').disabled = false;
  $('renew').disabled = false;
  const left = Date.parse(state.task.leaseExpiresAt) - (Date.now() + state.clockOffset);
  if (left <= 0) {
    expire('Your time on this study ran out and it went back to the queue. Your boxes are kept in this browser; take the next task to go on.');
    return;
  }
  $('lease').className = left < LEASE_WARNING_MS ? 'warning' : '';
  $('lease').textContent = `Time left on this study: ${minutesSeconds(left)}` + (left < LEASE_WARNING_MS ? ' — press R for more' : '');
}
setInterval(showLease, 1000);

// ---------------------------------------------------------------- why this study

function number(value, digits = 3) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(digits);
}

function showWhy(task) {
  const why = $('why');
  why.replaceChildren();
  const paragraph = (text) => {
    const p = document.createElement('p');
    p.textContent = text;
    why.append(p);
    return p;
  };
  paragraph(task.informativeness === null
    ? 'The model found nothing in this study; it was queued with the lowest informativeness.'
    : `Informativeness ${number(task.informativeness, 2)}: how unusual the most uncertain finding is, in standard deviations (0 is typical, 2 unusual).`);
  const driver = task.drivenBy;
  if (driver) {
    const place = locate(driver.sopInstanceUid, driver.frame);
    const [, meaning] = KIND_WORDS[driver.kind];
    const p = paragraph('');
    p.append(`It was chosen for the ${driver.label} ${driver.nearMiss ? 'near miss (below the object threshold, so not proposed; drawn dashed)' : 'box'} `
      + `on ${place ? `series ${place.series + 1}, image ${place.slice + 1}` : 'an image'}: its `);
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = driver.kind;
    p.append(kind, ` is the most unusual — ${meaning}.`);
    const go = document.createElement('button');
    go.type = 'button';
    go.innerHTML = 'Show it <kbd>D</kbd>';
    go.addEventListener('click', goToDriver);
    why.append(go);
  }
  if (task.analysisNote) paragraph(task.analysisNote);
}

function locate(sopInstanceUid, frame) {
  for (let s = 0; s < state.series.length; s++) {
    const slice = state.series[s].images.findIndex((image) => image.sopInstanceUid === sopInstanceUid && image.frame === frame);
    if (slice >= 0) return { series: s, slice };
  }
  return null;
}

function goToDriver() {
  const driver = state.task && state.task.drivenBy;
  const place = driver && locate(driver.sopInstanceUid, driver.frame);
  if (!place) return;
  state.seriesIndex = place.series;
  state.slice = place.slice;
  const boxes = currentBoxes();
  const driving = boxes.find((box) => box.proposal === driver.objectIndex && !driver.nearMiss);
  state.selected = driving ? driving.id : null;
  showCurrent(false);
}

// ---------------------------------------------------------------- images

function currentImage() {
  return state.series[state.seriesIndex].images[state.slice];
}

function currentBoxes() {
  return state.draft.get(imageKey(currentImage()));
}

function description(series, sopInstanceUid) {
  if (!state.descriptions.has(sopInstanceUid)) {
    state.descriptions.set(sopInstanceUid, instanceDescription(state.task.studyInstanceUid, series.seriesInstanceUid,
      sopInstanceUid, state.loads.signal));
  }
  return state.descriptions.get(sopInstanceUid);
}

function loadFrame(series, image) {
  const key = imageKey(image);
  if (!state.frames.has(key)) {
    const study = state.task.studyInstanceUid;
    const frame = Promise.all([description(series, image.sopInstanceUid),
      frameBytes(study, series.seriesInstanceUid, image.sopInstanceUid, image.frame, state.loads.signal)])
      .then(([pixels, bytes]) => new Frame(storedValues(bytes, pixels), pixels));
    frame.catch(() => state.frames.delete(key));
    state.frames.set(key, frame);
  }
  return state.frames.get(key);
}

async function showCurrent(resetWindow) {
  const task = state.task;
  const series = state.series[state.seriesIndex];
  const image = currentImage();
  showPosition();
  showBoxes();
  let frame;
  try {
    frame = await loadFrame(series, image);
  } catch (e) {
    if (e.name !== 'AbortError') notify(e.message);
    return;
  }
  if (task !== state.task || image !== currentImage()) return;
  viewer.show(frame, resetWindow);
  if (state.timing) {
    const measure = performance.measure(`glean-${state.timing.what}-to-first-image`,
      { start: state.timing.start, end: performance.now() });
    window.gleanTimings.push({ what: state.timing.what, ms: measure.duration });
    state.timing = null;
  }
}

// The rest of the series, outward from the current image, a few at a time; the series'
// metadata in one request, so that each frame needs no metadata request of its own.
async function prefetchSeries() {
  const task = state.task;
  const series = state.series[state.seriesIndex];
  try {
    const descriptions = await seriesDescriptions(task.studyInstanceUid, series.seriesInstanceUid, state.loads.signal);
    for (const [sop, d] of descriptions) {
      if (!state.descriptions.has(sop)) state.descriptions.set(sop, Promise.resolve(d));
    }
  } catch (e) {
    return; // each frame asks for its own metadata then
  }
  const order = series.images.map((image, index) => ({ image, distance: Math.abs(index - state.slice) }))
    .sort((a, b) => a.distance - b.distance).map((entry) => entry.image);
  const queue = order.filter((image) => !state.frames.has(imageKey(image)));
  const worker = async () => {
    while (queue.length && task === state.task) {
      await loadFrame(series, queue.shift()).catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: PREFETCH }, worker));
}

function goToSlice(slice) {
  if (!state.task) return;
  const images = state.series[state.seriesIndex].images;
  const next = Math.max(0, Math.min(images.length - 1, slice));
  if (next === state.slice) return;
  state.slice = next;
  state.selected = null;
  showCurrent(false);
}

function goToSeries(index) {
  if (!state.task || index < 0 || index >= state.series.length || index === state.seriesIndex) return;
  state.seriesIndex = index;
  state.slice = 0;
  state.selected = null;
  showCurrent(true);
  prefetchSeries();
}

function showPosition() {
  const series = state.series[state.seriesIndex];
  const image = currentImage();
  $('position').textContent = `Series ${state.seriesIndex + 1}/${state.series.length} (${series.modality}) · image ${state.slice + 1}/${series.images.length}`
    + (image.frame > 1 || series.images.some((other) => other.frame > 1) ? ` · frame ${image.frame}` : '');
  const slider = $('slice');
  slider.max = String(series.images.length);
  slider.value = String(state.slice + 1);
}

function showWindowState() {
  const w = viewer.window;
  if (!w) return;
  $('window-state').textContent = `W ${Math.round(w.width)} L ${Math.round(w.center)} (${w.name})`;
  document.querySelectorAll('[data-preset]').forEach((button) => button.classList.toggle('active', w.name
    && button.dataset.preset === Object.entries({ lung: 'CT lung', soft: 'CT soft tissue', bone: 'CT bone', auto: 'auto' })
      .find(([, name]) => name === w.name)?.[0]));
}

// ---------------------------------------------------------------- boxes

const COLORS = { model: '#4fd1ff', added: '#4cc38a', driver: '#f0b429' };

function isDriver(box) {
  const driver = state.task.drivenBy;
  const image = currentImage();
  return driver && !driver.nearMiss && box.proposal === driver.objectIndex
    && image.sopInstanceUid === driver.sopInstanceUid && image.frame === driver.frame;
}

function drawOverlay(ctx, view) {
  if (!state.task) return;
  const image = currentImage();
  const driver = state.task.drivenBy;
  if (driver && driver.nearMiss && image.sopInstanceUid === driver.sopInstanceUid && image.frame === driver.frame) {
    strokeBox(ctx, view, driver, COLORS.driver, [6, 4], 1.5);
  }
  for (const box of currentBoxes()) {
    const selected = box.id === state.selected;
    const color = box.proposal === null ? COLORS.added : COLORS.model;
    if (isDriver(box)) strokeBox(ctx, view, box, COLORS.driver, [], 5, 0.5);
    strokeBox(ctx, view, box, color, [], selected ? 2.5 : 1.5);
    const corner = view.toScreen(box.xmin, box.ymin);
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = color;
    ctx.fillText(box.label, corner.x + 2, corner.y - 4);
    if (selected) {
      for (const handle of handles(view, box)) ctx.fillRect(handle.x - 3, handle.y - 3, 6, 6);
    }
  }
}

function strokeBox(ctx, view, box, color, dash, width, alpha = 1) {
  const a = view.toScreen(box.xmin, box.ymin);
  const b = view.toScreen(box.xmax, box.ymax);
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.strokeRect(a.x, a.y, b.x - a.x, b.y - a.y);
  ctx.restore();
}

// Corners and edge midpoints, each naming which sides it moves.
function handles(view, box) {
  const a = view.toScreen(box.xmin, box.ymin);
  const b = view.toScreen(box.xmax, box.ymax);
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  return [
    { x: a.x, y: a.y, sides: 'nw' }, { x: b.x, y: a.y, sides: 'ne' }, { x: a.x, y: b.y, sides: 'sw' },
    { x: b.x, y: b.y, sides: 'se' }, { x: mx, y: a.y, sides: 'n' }, { x: mx, y: b.y, sides: 's' },
    { x: a.x, y: my, sides: 'w' }, { x: b.x, y: my, sides: 'e' },
  ];
}

function hit(point) {
  const boxes = currentBoxes();
  const selected = boxes.find((box) => box.id === state.selected);
  if (selected) {
    const handle = handles(viewer, selected).find((h) => Math.abs(h.x - point.screenX) <= HANDLE
      && Math.abs(h.y - point.screenY) <= HANDLE);
    if (handle) return { box: selected, sides: handle.sides };
  }
  for (let i = boxes.length - 1; i >= 0; i--) {
    const box = boxes[i];
    if (point.x >= box.xmin && point.x <= box.xmax && point.y >= box.ymin && point.y <= box.ymax) {
      return { box, sides: null };
    }
  }
  return null;
}

function clampToImage(box) {
  const image = currentImage();
  const [xmin, xmax] = [Math.min(box.xmin, box.xmax), Math.max(box.xmin, box.xmax)];
  const [ymin, ymax] = [Math.min(box.ymin, box.ymax), Math.max(box.ymin, box.ymax)];
  box.xmin = Math.max(0, xmin);
  box.xmax = Math.min(image.columns, xmax);
  box.ymin = Math.max(0, ymin);
  box.ymax = Math.min(image.rows, ymax);
}

function pointer(kind, event, point) {
  if (!state.task || state.expired) return;
  if (kind === 'hover') {
    const target = hit(point);
    const cursors = { n: 'ns-resize', s: 'ns-resize', e: 'ew-resize', w: 'ew-resize', nw: 'nwse-resize', se: 'nwse-resize', ne: 'nesw-resize', sw: 'nesw-resize' };
    viewer.canvas.style.cursor = !target ? 'crosshair' : target.sides ? cursors[target.sides] : 'move';
    return;
  }
  if (kind === 'down') {
    viewer.canvas.focus();
    const target = hit(point);
    if (target) {
      state.selected = target.box.id;
      state.edit = { box: target.box, sides: target.sides, from: point, start: { ...target.box } };
    } else {
      const image = currentImage();
      if (point.x < 0 || point.y < 0 || point.x > image.columns || point.y > image.rows) return;
      const box = { id: state.nextBoxId++, label: $('new-label').value, xmin: point.x, ymin: point.y,
        xmax: point.x, ymax: point.y, proposal: null, moved: false };
      currentBoxes().push(box);
      state.selected = box.id;
      state.edit = { box, sides: 'se', from: point, start: { ...box }, created: true };
    }
    showBoxes();
    viewer.draw();
    return;
  }
  const edit = state.edit;
  if (!edit) return;
  const dx = point.x - edit.from.x;
  const dy = point.y - edit.from.y;
  const box = edit.box;
  if (!edit.sides) {
    const image = currentImage();
    const w = edit.start.xmax - edit.start.xmin;
    const h = edit.start.ymax - edit.start.ymin;
    box.xmin = Math.max(0, Math.min(image.columns - w, edit.start.xmin + dx));
    box.ymin = Math.max(0, Math.min(image.rows - h, edit.start.ymin + dy));
    box.xmax = box.xmin + w;
    box.ymax = box.ymin + h;
  } else {
    if (edit.sides.includes('n')) box.ymin = edit.start.ymin + dy;
    if (edit.sides.includes('s')) box.ymax = edit.start.ymax + dy;
    if (edit.sides.includes('w')) box.xmin = edit.start.xmin + dx;
    if (edit.sides.includes('e')) box.xmax = edit.start.xmax + dx;
  }
  if (dx !== 0 || dy !== 0) box.moved = true;
  viewer.draw();
  if (kind === 'up') {
    clampToImage(box);
    state.edit = null;
    if (edit.created && (box.xmax - box.xmin < MIN_BOX || box.ymax - box.ymin < MIN_BOX)) {
      removeBox(box.id);
      return;
    }
    changed();
  }
}

function removeBox(id) {
  const boxes = currentBoxes();
  const index = boxes.findIndex((box) => box.id === id);
  if (index >= 0) boxes.splice(index, 1);
  if (state.selected === id) state.selected = null;
  changed();
}

function changed() {
  saveDraft();
  showBoxes();
  viewer.draw();
}

function relabel(box, step) {
  const classes = state.task.classNames;
  box.label = classes[(classes.indexOf(box.label) + step + classes.length) % classes.length];
  changed();
}

function fillLabels(classNames) {
  const select = $('new-label');
  select.replaceChildren(...classNames.map((name) => new Option(name, name)));
}

function showBoxes() {
  const list = $('boxes');
  list.replaceChildren();
  if (!state.task) return;
  const image = currentImage();
  const boxes = currentBoxes();
  if (!boxes.length) {
    const p = document.createElement('p');
    p.className = 'saved';
    p.textContent = 'No box on this image: submitted as no finding. Drag on the image to draw one.';
    list.append(p);
  }
  for (const box of boxes) {
    const proposal = box.proposal === null ? null : image.proposals[box.proposal];
    const item = document.createElement('div');
    item.className = 'box' + (box.id === state.selected ? ' selected' : '') + (isDriver(box) ? ' driver' : '');
    item.dataset.boxId = String(box.id);
    const header = document.createElement('header');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = proposal ? COLORS.model : COLORS.added;
    const label = document.createElement('select');
    label.className = 'label';
    label.append(...state.task.classNames.map((name) => new Option(name, name, false, name === box.label)));
    label.addEventListener('change', () => { box.label = label.value; changed(); });
    const origin = document.createElement('span');
    origin.className = 'origin';
    origin.textContent = proposal ? `model, score ${number(proposal.score, 2)}${box.moved ? ', moved' : ''}` : 'added by you';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'delete';
    remove.title = 'Delete (Del)';
    remove.textContent = 'Delete';
    remove.addEventListener('click', (event) => { event.stopPropagation(); removeBox(box.id); });
    header.append(swatch, label, origin, remove);
    item.append(header);
    if (proposal && proposal.uncertainty) item.append(uncertaintyTable(proposal.uncertainty));
    if (isDriver(box)) {
      const note = document.createElement('p');
      note.className = 'saved';
      note.textContent = 'This box made the study chosen.';
      item.append(note);
    }
    item.addEventListener('click', () => { state.selected = box.id; showBoxes(); viewer.draw(); });
    list.append(item);
  }
}

function uncertaintyTable(uncertainty) {
  const table = document.createElement('table');
  table.innerHTML = '<tr><th>uncertainty</th><th>raw</th><th>z</th></tr>';
  const highest = KINDS.reduce((a, b) => (uncertainty.z[a] >= uncertainty.z[b] ? a : b));
  for (const kind of KINDS) {
    const row = table.insertRow();
    row.className = kind === highest ? 'highest' : '';
    row.title = KIND_WORDS[kind][1];
    row.insertCell().textContent = `${kind} (${KIND_WORDS[kind][0]})`;
    row.insertCell().textContent = number(uncertainty.raw[kind], 4);
    row.insertCell().textContent = number(uncertainty.z[kind], 2);
  }
  return table;
}

function selectStep(step) {
  const boxes = currentBoxes();
  if (!boxes.length) return;
  const index = boxes.findIndex((box) => box.id === state.selected);
  state.selected = boxes[(index + step + boxes.length) % boxes.length].id;
  showBoxes();
  viewer.draw();
}

function round(value) {
  return Math.round(value * 100) / 100;
}

// ---------------------------------------------------------------- keys

document.addEventListener('keydown', (event) => {
  const typing = event.target.closest('input, textarea, select, dialog');
  if (typing && !(event.key === 'Enter' && (event.ctrlKey || event.metaKey))) return;
  const selected = state.task && currentBoxes().find((box) => box.id === state.selected);
  const key = event.key;
  const actions = {
    ArrowUp: () => goToSlice(state.slice - 1), ArrowDown: () => goToSlice(state.slice + 1),
    PageUp: () => goToSlice(state.slice - 1), PageDown: () => goToSlice(state.slice + 1),
    Home: () => goToSlice(0), End: () => goToSlice(Number.MAX_SAFE_INTEGER),
    '[': () => goToSeries(state.seriesIndex - 1), ']': () => goToSeries(state.seriesIndex + 1),
    '1': () => viewer.preset('lung'), '2': () => viewer.preset('soft'), '3': () => viewer.preset('bone'),
    '4': () => viewer.preset('auto'),
    '+': () => viewer.zoom(1.25), '=': () => viewer.zoom(1.25), '-': () => viewer.zoom(0.8),
    f: () => viewer.fit(), d: goToDriver,
    Tab: () => selectStep(event.shiftKey ? -1 : 1),
    l: () => selected && relabel(selected, 1), L: () => selected && relabel(selected, -1),
    Delete: () => selected && removeBox(selected.id), Backspace: () => selected && removeBox(selected.id),
    Escape: () => { state.selected = null; showBoxes(); viewer.draw(); },
    s: skip, g: release, r: renew, n: () => (!state.task || state.expired) && takeNext('next'),
    '?': () => { $('shortcuts').open = !$('shortcuts').open; },
  };
  if (key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (!state.expired) submit();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const action = actions[key] || actions[key.toLowerCase()];
  if (!action || (!state.task && key.toLowerCase() !== 'n' && key !== '?')) return;
  event.preventDefault();
  action();
});

$('next').addEventListener('click', () => takeNext('next'));
$('submit').addEventListener('click', submit);
$('skip').addEventListener('click', skip);
$('release').addEventListener('click', release);
$('renew').addEventListener('click', renew);
$('slice').addEventListener('input', () => goToSlice(Number($('slice').value) - 1));
document.querySelectorAll('[data-preset]').forEach((button) =>
  button.addEventListener('click', () => viewer.preset(button.dataset.preset)));
window.addEventListener('beforeunload', saveDraft);

/** For tests and benchmarks: the current image's boxes in image and canvas coordinates. */
window.gleanWorkspace = {
  taskId: () => state.task && state.task.id,
  boxes: () => (state.task ? currentBoxes().map((box) => {
    const a = viewer.toScreen(box.xmin, box.ymin);
    const b = viewer.toScreen(box.xmax, box.ymax);
    return { id: box.id, label: box.label, xmin: box.xmin, ymin: box.ymin, xmax: box.xmax, ymax: box.ymax,
      proposal: box.proposal, screen: { xmin: a.x, ymin: a.y, xmax: b.x, ymax: b.y } };
  }) : []),
  image: () => (state.task ? { ...currentImage(), series: state.seriesIndex, slice: state.slice } : null),
  drawn: () => Boolean(viewer.frame),
};

// ---------------------------------------------------------------- start

const session = await shell('annotate');
state.user = session.user;
const open = localStorage.getItem(`glean.task.${state.user}`);
if (open) {
  try {
    const task = await api(`/api/annotation/tasks/${open}`);
    if (task.state === 'CLAIMED' && Date.parse(task.leaseExpiresAt) > Date.parse(task.serverTime)) {
      await openTask(task);
    } else {
      localStorage.removeItem(`glean.task.${state.user}`);
    }
  } catch (e) {
    localStorage.removeItem(`glean.task.${state.user}`);
  }
}
