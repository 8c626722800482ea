package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.glean.bench.OrthancProcess;
import org.glean.inference.AnalysisRepository;
import org.glean.ingest.DcmtkFiles;
import org.glean.ingest.DcmtkFiles.Spec;
import org.glean.ingest.DcmtkFiles.Syntax;
import org.glean.ingest.InstanceStore;

/**
 * Studies written into an Orthanc for Glean to pull, remembered file by file, so that a test can
 * check that Glean stored each instance's data set exactly as sent and scored the study.
 */
public final class PacsStudies {

    private final Path dir;
    // Original files by StudyInstanceUID and SOPInstanceUID.
    private final Map<String, Map<String, Path>> originals = new HashMap<>();
    // The SOPInstanceUID of the flawed instance by StudyInstanceUID (loadWithOneFlawed).
    private final Map<String, String> flawed = new HashMap<>();

    public PacsStudies(Path dir) {
        this.dir = dir;
    }

    /**
     * Writes a study with seriesCount series of instancesPerSeries each into Orthanc; CT, or
     * secondary capture (modality OT) that a CT query leaves out.
     */
    public String load(OrthancProcess orthanc, int seriesCount, int instancesPerSeries, boolean secondaryCapture)
            throws IOException, InterruptedException {
        String study = DcmtkFiles.newUid();
        for (int series = 1; series <= seriesCount; series++) {
            String seriesUid = DcmtkFiles.newUid();
            for (int instance = 1; instance <= instancesPerSeries; instance++) {
                Spec spec = Spec.ct(study, seriesUid, series, instance, 64);
                Path file = DcmtkFiles.write(dir, secondaryCapture ? spec.withFrames(2) : spec, Syntax.EXPLICIT_LITTLE);
                orthanc.store(file);
                originals.computeIfAbsent(study, uid -> new HashMap<>()).put(spec.sopUid(), file);
            }
        }
        return study;
    }

    /**
     * Writes a CT study like {@link #load}, whose first instance has a SeriesDescription of 65
     * characters, one more than VR LO allows: Orthanc keeps it, Glean refuses it as malformed.
     * {@link #correctFlawed} replaces it at Orthanc with the instance as it should be.
     */
    public String loadWithOneFlawed(OrthancProcess orthanc, int seriesCount, int instancesPerSeries)
            throws IOException, InterruptedException {
        String study = load(orthanc, seriesCount - 1, instancesPerSeries, false);
        String seriesUid = DcmtkFiles.newUid();
        for (int instance = 1; instance <= instancesPerSeries; instance++) {
            Spec spec = Spec.ct(study, seriesUid, seriesCount, instance, 64);
            Path file = DcmtkFiles.write(dir, spec, Syntax.EXPLICIT_LITTLE);
            if (instance == 1) {
                Path pixels = DcmtkFiles.writePixels(dir, spec);
                orthanc.store(DcmtkFiles.dump2dcm(dir, "(0008,103e) LO [" + "a".repeat(65) + "]\n"
                        + DcmtkFiles.dump(spec, pixels), "flawed-" + instance, "+te"));
                Files.delete(pixels);
                flawed.put(study, spec.sopUid());
            } else {
                orthanc.store(file);
            }
            originals.computeIfAbsent(study, uid -> new HashMap<>()).put(spec.sopUid(), file);
        }
        return study;
    }

    /** Replaces the study's flawed instance at Orthanc with the instance as it should be. */
    public void correctFlawed(OrthancProcess orthanc, String study) throws IOException, InterruptedException {
        String sopInstanceUid = flawed.get(study);
        orthanc.delete(sopInstanceUid);
        orthanc.store(originals.get(study).get(sopInstanceUid));
    }

    /** The study's instances Glean should keep before its flawed one is corrected: all others. */
    public Set<String> unflawed(String study) {
        Set<String> sopInstanceUids = new HashSet<>(originals.get(study).keySet());
        sopInstanceUids.remove(flawed.get(study));
        return sopInstanceUids;
    }

    /** Glean holds exactly the study's instances, each data set as sent, and has scored it once. */
    public void assertStoredAsSentAndScored(String study, AnalysisRepository analyses, InstanceStore store)
            throws Exception {
        Map<String, String> stored = analyses.acceptedContent(study);
        Map<String, Path> sent = originals.get(study);
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (Map.Entry<String, String> instance : stored.entrySet()) {
            assertThat(dataSet(store.pathOf(instance.getValue())))
                    .as("data set of an instance").isEqualTo(dataSet(sent.get(instance.getKey())));
        }
        awaitScored(study, analyses, sent.size());
        assertThat(analyses.count(study)).as("analyses of the study").isEqualTo(1);
    }

    /** Waits up to a minute until the study's analysis covers {@code images} images, and asserts that it does. */
    public static void awaitScored(String study, AnalysisRepository analyses, int images) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (scoredImages(study, analyses) != images && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(scoredImages(study, analyses)).as("images of the study's analysis").isEqualTo(images);
    }

    private static int scoredImages(String study, AnalysisRepository analyses) {
        return analyses.latest(study).map(scores -> scores.images().size()).orElse(0);
    }

    // The bytes after the Part-10 file meta information: what a PACS may not change.
    private static byte[] dataSet(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        // (0002,0000) UL group length: tag, "UL", 2-byte length, 4-byte value, at offset 132.
        int groupLength = ByteBuffer.wrap(bytes, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(bytes, 144 + groupLength, bytes.length);
    }
}
