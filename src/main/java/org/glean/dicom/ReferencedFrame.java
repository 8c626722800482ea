package org.glean.dicom;

/**
 * A frame of a source image that a result document refers to.
 *
 * @param sopClassUid       SOPClassUID of the image
 * @param sopInstanceUid    SOPInstanceUID of the image
 * @param seriesInstanceUid SeriesInstanceUID of the image, for the document's evidence
 * @param numberOfFrames    the image's NumberOfFrames: a frame number is written only for a multi-frame image
 * @param frame             1-based frame number
 */
public record ReferencedFrame(String sopClassUid, String sopInstanceUid, String seriesInstanceUid, int numberOfFrames,
                              int frame) {
}
