package org.glean.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A dataset in DCMTK's dump format, one element per entry keyed by its tag (a sequence entry
 * spans several lines), made into a real Part-10 file by {@code dump2dcm}.
 */
final class DicomDump {

    private final TreeMap<String, String> elements = new TreeMap<>();
    private Charset charset = StandardCharsets.ISO_8859_1;

    DicomDump copy() {
        DicomDump copy = new DicomDump();
        copy.elements.putAll(elements);
        copy.charset = charset;
        return copy;
    }

    /** Adds the element, or replaces the one with the same tag; {@code line} starts with "(gggg,eeee)". */
    DicomDump set(String line) {
        elements.put(line.substring(0, 11).toLowerCase(Locale.ROOT), line);
        return this;
    }

    DicomDump remove(String tag) {
        elements.remove(tag.toLowerCase(Locale.ROOT));
        return this;
    }

    /** How the dump file's bytes encode its text (the dataset's Specific Character Set). */
    DicomDump encodedAs(Charset encoding) {
        this.charset = encoding;
        return this;
    }

    /** Writes {@code name.dump} into {@code directory} and makes {@code name.dcm} from it. */
    Path write(Path directory, String name, String... dump2dcmOptions) {
        try {
            Files.writeString(directory.resolve(name + ".dump"), String.join("\n", elements.values()) + "\n", charset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("dump2dcm", "-q"));
        command.addAll(List.of(dump2dcmOptions));
        command.add(name + ".dump");
        command.add(name + ".dcm");
        ImagingTools.run(directory, command.toArray(String[]::new));
        return directory.resolve(name + ".dcm");
    }
}
