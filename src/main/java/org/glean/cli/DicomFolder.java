package org.glean.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;

/** The DICOM files under a folder, grouped by study, as a client sends them: one call per study. */
final class DicomFolder {

    private static final byte[] DICM = "DICM".getBytes(StandardCharsets.US_ASCII);
    private static final int PREAMBLE_LENGTH = 128;

    private DicomFolder() {
    }

    /**
     * Every file under {@code root} (subfolders included) with the DICM prefix after the
     * preamble, in path order, grouped by StudyInstanceUID in order of first appearance. A file
     * whose header cannot be read is skipped and named on {@code err}.
     */
    static Map<String, List<Path>> studiesUnder(Path root, DicomReader reader, PrintWriter err) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        for (Path file : files) {
            if (!hasDicomPreamble(file)) {
                continue;
            }
            DicomHeader header;
            try {
                header = reader.readHeader(file);
            } catch (UnsupportedDicomException e) {
                header = e.header(); // the server stores it and reports it rejected
            } catch (MalformedDicomException e) {
                err.printf("Skipped %s: %s%n", file, e.getMessage());
                continue;
            }
            studies.computeIfAbsent(header.studyInstanceUid(), uid -> new ArrayList<>()).add(file);
        }
        return studies;
    }

    private static boolean hasDicomPreamble(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(PREAMBLE_LENGTH + DICM.length);
            return start.length == PREAMBLE_LENGTH + DICM.length
                    && Arrays.equals(start, PREAMBLE_LENGTH, start.length, DICM, 0, DICM.length);
        }
    }
}
