// Frames and their pixel description from Glean's DICOMweb origin (WADO-RS): uncompressed stored
// values, little endian, which the viewer windows itself.

import { ApiError, api } from '/js/glean.js';

const FRAMES_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1';
const TAG = {
  modality: '00080060', samplesPerPixel: '00280002', photometric: '00280004', numberOfFrames: '00280008',
  rows: '00280010', columns: '00280011', bitsAllocated: '00280100', pixelRepresentation: '00280103',
  windowCenter: '00281050', windowWidth: '00281051', rescaleIntercept: '00281052', rescaleSlope: '00281053',
  sopInstanceUid: '00080018',
};

function value(dataset, tag, fallback) {
  const element = dataset[tag];
  return element && element.Value && element.Value.length ? element.Value[0] : fallback;
}

/** What the viewer needs to turn stored values into grey levels, from one DICOM JSON dataset. */
export function pixelDescription(dataset) {
  return {
    modality: value(dataset, TAG.modality, ''),
    rows: value(dataset, TAG.rows, 0),
    columns: value(dataset, TAG.columns, 0),
    samplesPerPixel: value(dataset, TAG.samplesPerPixel, 1),
    bitsAllocated: value(dataset, TAG.bitsAllocated, 16),
    signed: value(dataset, TAG.pixelRepresentation, 0) === 1,
    invert: value(dataset, TAG.photometric, 'MONOCHROME2') === 'MONOCHROME1',
    slope: Number(value(dataset, TAG.rescaleSlope, 1)),
    intercept: Number(value(dataset, TAG.rescaleIntercept, 0)),
    windowCenter: dataset[TAG.windowCenter] ? Number(value(dataset, TAG.windowCenter)) : null,
    windowWidth: dataset[TAG.windowWidth] ? Number(value(dataset, TAG.windowWidth)) : null,
  };
}

function base(study, series) {
  return `/dicomweb/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}`;
}

/** The pixel description of every instance of a series, by SOPInstanceUID. */
export async function seriesDescriptions(study, series, signal) {
  const datasets = await api(`${base(study, series)}/metadata`, { signal });
  const descriptions = new Map();
  for (const dataset of datasets) descriptions.set(value(dataset, TAG.sopInstanceUid), pixelDescription(dataset));
  return descriptions;
}

/** The pixel description of one instance. */
export async function instanceDescription(study, series, instance, signal) {
  const datasets = await api(`${base(study, series)}/instances/${encodeURIComponent(instance)}/metadata`, { signal });
  return pixelDescription(datasets[0]);
}

/** One frame's stored values as raw bytes (the first part of the multipart answer); signal aborts it. */
export async function frameBytes(study, series, instance, frame, signal) {
  let response;
  try {
    response = await fetch(`${base(study, series)}/instances/${encodeURIComponent(instance)}/frames/${frame}`,
      { headers: { Accept: FRAMES_ACCEPT }, credentials: 'same-origin', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'connection-lost', 'The connection to Glean was lost while loading an image. Check the network; your work is kept in this page.');
  }
  if (!response.ok) {
    const refusal = await response.json().catch(() => ({}));
    throw new ApiError(response.status, refusal.code || 'image-failed',
      response.status === 401 ? 'Your session has expired. Sign in again; your work is kept in this page.'
        : 'An image could not be loaded' + (refusal.message ? ': ' + refusal.message : '.'));
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(response.headers.get('Content-Type') || '');
  const body = new Uint8Array(await response.arrayBuffer());
  return firstPart(body, boundary ? boundary[1] : null);
}

// The bytes between the first part's headers and the next boundary.
function firstPart(body, boundary) {
  if (!boundary) throw new ApiError(502, 'image-failed', 'An image came back in a form the page cannot read.');
  let start = -1;
  for (let i = 0; i + 3 < body.length; i++) {
    if (body[i] === 13 && body[i + 1] === 10 && body[i + 2] === 13 && body[i + 3] === 10) { start = i + 4; break; }
  }
  const delimiter = new TextEncoder().encode('\r\n--' + boundary);
  for (let i = body.length - delimiter.length; i >= start && start >= 0; i--) {
    let match = true;
    for (let j = 0; j < delimiter.length; j++) {
      if (body[i + j] !== delimiter[j]) { match = false; break; }
    }
    if (match) return body.slice(start, i);
  }
  throw new ApiError(502, 'image-failed', 'An image came back in a form the page cannot read.');
}

/** Stored values as a typed array of the right width and sign (copied, so that it is aligned). */
export function storedValues(bytes, description) {
  const buffer = bytes.buffer.byteLength === bytes.length && bytes.byteOffset === 0 ? bytes.buffer : bytes.slice().buffer;
  if (description.bitsAllocated === 8) return description.signed ? new Int8Array(buffer) : new Uint8Array(buffer);
  if (description.bitsAllocated === 32) return description.signed ? new Int32Array(buffer) : new Uint32Array(buffer);
  return description.signed ? new Int16Array(buffer) : new Uint16Array(buffer);
}
