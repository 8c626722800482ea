// A <canvas> viewer of one greyscale frame at a time: window/level through a lookup table over the
// frame's stored values, zoom and pan, and an overlay drawn in image coordinates. Left-button
// gestures go to the page (boxes); the right button windows, the middle button (or Shift) pans.

/** Window presets (center, width) in Hounsfield units, and the automatic window for other images. */
export const PRESETS = {
  lung: { center: -600, width: 1500, name: 'CT lung' },
  soft: { center: 40, width: 400, name: 'CT soft tissue' },
  bone: { center: 400, width: 1800, name: 'CT bone' },
};

/** A decoded frame: stored values, their range, and how to turn them into modality values. */
export class Frame {
  constructor(values, description) {
    this.values = values;
    this.description = description;
    this.width = description.columns;
    this.height = description.rows;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min === Infinity ? 0 : min;
    this.max = max === -Infinity ? 0 : max;
  }

  modality(stored) {
    return stored * this.description.slope + this.description.intercept;
  }

  /** A window from the 0.5th to the 99.5th percentile of the modality values (DX auto). */
  autoWindow() {
    const bins = new Uint32Array(this.max - this.min + 1);
    for (let i = 0; i < this.values.length; i++) bins[this.values[i] - this.min]++;
    const low = this.values.length * 0.005;
    const high = this.values.length * 0.995;
    let seen = 0;
    let lowValue = this.min;
    let highValue = this.max;
    for (let b = 0; b < bins.length; b++) {
      const before = seen;
      seen += bins[b];
      if (before <= low && seen > low) lowValue = b + this.min;
      if (before <= high && seen > high) { highValue = b + this.min; break; }
    }
    const a = this.modality(lowValue);
    const b = this.modality(highValue);
    return { center: (a + b) / 2, width: Math.max(1, Math.abs(b - a)), name: 'auto' };
  }

  /** The window the frame opens with: its own (from its header), else by modality. */
  defaultWindow() {
    const d = this.description;
    if (d.windowCenter !== null && d.windowWidth !== null && d.windowWidth > 0) {
      return { center: d.windowCenter, width: d.windowWidth, name: 'as stored' };
    }
    return d.modality === 'CT' ? { ...PRESETS.soft } : this.autoWindow();
  }
}

export class Viewer {
  /**
   * @param canvas the visible canvas
   * @param page {drawOverlay(ctx, viewer), pointer(kind, event, imagePoint), scroll(steps), changed()}
   */
  constructor(canvas, page) {
    this.canvas = canvas;
    this.page = page;
    this.context = canvas.getContext('2d');
    this.buffer = document.createElement('canvas');
    this.bufferContext = this.buffer.getContext('2d');
    this.frame = null;
    this.window = null;
    this.scale = 1;
    this.offsetX = 0;
    this.offsetY = 0;
    this.fitted = true;
    this.pending = false;
    this.dirtyPixels = true;
    this.listen();
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    this.resize();
  }

  /** Shows a frame, keeping the window (unless asked to reset it) and, for the same size, the view. */
  show(frame, resetWindow) {
    const sameSize = this.frame && this.frame.width === frame.width && this.frame.height === frame.height;
    this.frame = frame;
    if (resetWindow || !this.window) this.window = frame.defaultWindow();
    if (!sameSize || this.fitted) this.fit();
    this.dirtyPixels = true;
    this.drawNow();
  }

  setWindow(window) {
    this.window = { ...window, width: Math.max(1, window.width) };
    this.dirtyPixels = true;
    this.draw();
    this.page.changed();
  }

  preset(name) {
    if (!this.frame) return;
    this.setWindow(name === 'auto' ? this.frame.autoWindow() : PRESETS[name]);
  }

  fit() {
    if (!this.frame) return;
    const { width, height } = this.canvasSize();
    this.scale = Math.min(width / this.frame.width, height / this.frame.height);
    this.offsetX = (width - this.frame.width * this.scale) / 2;
    this.offsetY = (height - this.frame.height * this.scale) / 2;
    this.fitted = true;
    this.draw();
    this.page.changed();
  }

  zoom(factor, screenX, screenY) {
    const { width, height } = this.canvasSize();
    const x = screenX ?? width / 2;
    const y = screenY ?? height / 2;
    const scale = Math.min(40, Math.max(0.05, this.scale * factor));
    this.offsetX = x - (x - this.offsetX) * (scale / this.scale);
    this.offsetY = y - (y - this.offsetY) * (scale / this.scale);
    this.scale = scale;
    this.fitted = false;
    this.draw();
    this.page.changed();
  }

  pan(dx, dy) {
    this.offsetX += dx;
    this.offsetY += dy;
    this.fitted = false;
    this.draw();
  }

  /** Image pixel coordinates (column c covers [c, c+1)) of a point on the canvas, in CSS pixels. */
  toImage(screenX, screenY) {
    return { x: (screenX - this.offsetX) / this.scale, y: (screenY - this.offsetY) / this.scale };
  }

  toScreen(x, y) {
    return { x: this.offsetX + x * this.scale, y: this.offsetY + y * this.scale };
  }

  canvasSize() {
    return { width: this.canvas.clientWidth, height: this.canvas.clientHeight };
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvasSize();
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    if (this.fitted) this.fit(); else this.draw();
  }

  draw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => this.drawNow());
  }

  /** Draws at once; resolves nothing, but the frame is on the canvas when it returns. */
  drawNow() {
    this.pending = false;
    const ctx = this.context;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.frame) return;
    if (this.dirtyPixels) this.renderPixels();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.imageSmoothingEnabled = this.scale < 3;
    ctx.drawImage(this.buffer, this.offsetX, this.offsetY, this.frame.width * this.scale,
      this.frame.height * this.scale);
    this.page.drawOverlay(ctx, this);
  }

  // Stored value → grey through a lookup table over the frame's range: one table per window change.
  renderPixels() {
    const frame = this.frame;
    const { slope, intercept, invert } = frame.description;
    const lower = this.window.center - this.window.width / 2;
    const lut = new Uint8ClampedArray(frame.max - frame.min + 1);
    for (let i = 0; i < lut.length; i++) {
      const grey = ((frame.min + i) * slope + intercept - lower) / this.window.width * 255;
      lut[i] = invert ? 255 - grey : grey;
    }
    if (this.buffer.width !== frame.width || this.buffer.height !== frame.height) {
      this.buffer.width = frame.width;
      this.buffer.height = frame.height;
    }
    const image = this.bufferContext.createImageData(frame.width, frame.height);
    const rgba = new Uint32Array(image.data.buffer);
    const values = frame.values;
    const min = frame.min;
    for (let i = 0; i < rgba.length; i++) {
      const g = lut[values[i] - min];
      rgba[i] = 0xff000000 | (g << 16) | (g << 8) | g;
    }
    this.bufferContext.putImageData(image, 0, 0);
    this.dirtyPixels = false;
  }

  listen() {
    const canvas = this.canvas;
    let drag = null;
    canvas.addEventListener('contextmenu', (event) => event.preventDefault());
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      const point = this.point(event);
      if (event.button === 2) {
        drag = { kind: 'window', x: event.clientX, y: event.clientY, start: { ...this.window } };
      } else if (event.button === 1 || (event.button === 0 && event.shiftKey)) {
        drag = { kind: 'pan', x: event.clientX, y: event.clientY };
      } else if (event.button === 0) {
        drag = { kind: 'page' };
        this.page.pointer('down', event, point);
      }
      event.preventDefault();
    });
    canvas.addEventListener('pointermove', (event) => {
      const point = this.point(event);
      if (!drag) {
        this.page.pointer('hover', event, point);
      } else if (drag.kind === 'window' && this.frame) {
        // right-drag: sideways widens or narrows the window, up and down moves its level
        const range = Math.max(1, this.frame.modality(this.frame.max) - this.frame.modality(this.frame.min));
        const perPixel = range / 500;
        this.setWindow({ center: drag.start.center - (event.clientY - drag.y) * perPixel,
          width: drag.start.width + (event.clientX - drag.x) * perPixel, name: 'custom' });
      } else if (drag.kind === 'pan') {
        this.pan(event.clientX - drag.x, event.clientY - drag.y);
        drag.x = event.clientX;
        drag.y = event.clientY;
      } else if (drag.kind === 'page') {
        this.page.pointer('move', event, point);
      }
    });
    const end = (event) => {
      if (drag && drag.kind === 'page') this.page.pointer('up', event, this.point(event));
      drag = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', (event) => {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) {
        const rect = canvas.getBoundingClientRect();
        this.zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
      } else {
        this.page.scroll(Math.sign(event.deltaY));
      }
    }, { passive: false });
  }

  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    return { ...this.toImage(screen.x, screen.y), screenX: screen.x, screenY: screen.y };
  }
}
