package org.glean.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.glean.bench.LabelledStudies;
import org.glean.cli.GleanCommand;
import org.glean.coco.InvalidDatasetException;

/**
 * Synthetic phantom studies with their true boxes, made by {@code glean synth} as a user makes
 * them, to send to a test server and annotate there over gRPC as a pipeline and an annotator
 * would: the real path to submitted annotations, fine-tuning jobs and the versions they make.
 */
public final class PhantomStudies {

    private PhantomStudies() {
    }

    /** {@code studies} CT studies of {@code slices} slices with one or two objects each, under {@code out}. */
    public static LabelledStudies synth(Path out, String seed, int studies, int slices) {
        return synth(out, seed, studies, slices, "--ct-fraction", "1");
    }

    /**
     * {@code studies} studies of {@code slices} slices per CT series with one or two objects each,
     * under {@code out}, made with {@code glean synth}'s further {@code options} (e.g. {@code --site B}).
     */
    public static LabelledStudies synth(Path out, String seed, int studies, int slices, String... options) {
        List<String> arguments = new ArrayList<>(List.of("synth", "--out", out.toString(), "--seed", seed, "--studies",
                String.valueOf(studies), "--slices", String.valueOf(slices), "--normal-fraction", "0", "--objects", "1:2"));
        arguments.addAll(List.of(options));
        assertThat(GleanCommand.execute(arguments.toArray(String[]::new))).isZero();
        try {
            return LabelledStudies.read(out);
        } catch (IOException | InvalidDatasetException e) {
            throw new IllegalStateException("glean synth wrote no readable coco.json under " + out, e);
        }
    }
}
