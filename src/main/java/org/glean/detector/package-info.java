/**
 * The mixture-density single-shot detector (method.md §1–§3): everything between a decoded frame
 * and a list of detections with their mixture parameters, and the training and saving of it.
 *
 * <h2>Plain Java (no DJL)</h2>
 * <ul>
 *   <li>{@link org.glean.detector.Preprocessing}: frame in modality units → 256² input in [0, 1]
 *       (letterbox resampling, per-Modality {@link org.glean.detector.Windowing}: CT fixed
 *       −1000…1000 HU, others 0.5th–99.5th percentile), with the
 *       {@link org.glean.detector.LetterboxTransform} back to pixel coordinates.</li>
 *   <li>{@link org.glean.detector.FeatureMapAnchors} / {@link org.glean.detector.Anchors}: SSD
 *       default boxes in normalised centre form; default 4 per cell (two squares, 2:1, 1:2) on
 *       maps of 32², 16², 8², 4² for a 256 input, smallest side 8 px, doubling per map — 5440
 *       anchors.</li>
 *   <li>{@link org.glean.detector.BoxCoding} (variances 0.1 / 0.2),
 *       {@link org.glean.detector.AnchorMatcher} (IoU &gt; 0.5 plus every box's best anchor),
 *       {@link org.glean.detector.NonMaximumSuppression},
 *       {@link org.glean.detector.DetectionDecoder} (R_b, P_p, per-class NMS at IoU 0.45,
 *       score threshold 0.5 by default).</li>
 * </ul>
 *
 * <h2>Network (DJL blocks, PyTorch engine)</h2>
 * {@link org.glean.detector.DetectorNetwork} = {@link org.glean.detector.Backbone} (stride-2
 * stages of 16-32-64-96 channels with BatchNorm and ReLU, then two extra layers of 96) +
 * a {@link org.glean.detector.DetectionHead}: {@link org.glean.detector.MdnHead} (K = 4
 * components) or {@link org.glean.detector.PlainHead} (ordinary SSD outputs), optionally behind
 * MC-dropout. The default has 426,864 trainable values (428,976 stored, 1.7 MB).
 *
 * <h2>Training and models</h2>
 * {@link org.glean.detector.MdnLoss} (mixture NLL + sampled mixture cross-entropy with 3:1 hard
 * negatives; reference-code and Type-2 variants), {@link org.glean.detector.DetectorTrainer}
 * (Adam, progress per step), {@link org.glean.detector.Detector} (inference),
 * {@link org.glean.detector.DetectorCheckpoint} ({@code manifest.json} + {@code parameters.bin}).
 */
package org.glean.detector;
