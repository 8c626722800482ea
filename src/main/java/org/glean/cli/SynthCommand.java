package org.glean.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.glean.synth.LesionClass;
import org.glean.synth.Shift;
import org.glean.synth.Site;
import org.glean.synth.SynthDatasetWriter;
import org.glean.synth.SynthOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code glean synth}: writes a synthetic chest data set — DICOM Part-10 files and COCO ground
 * truth — for training, evaluation and uncertainty validation. One run writes one split; run it
 * once per split with its own seed and output folder.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {
            "Writes synthetic chest CT series (16-bit signed HU) and DX projections (16-bit unsigned) as DICOM "
                    + "Part-10 files, one per slice or projection, with nodules, masses and calcification clusters, "
                    + "and their ground truth as OUT/coco.json (boxes in pixel coordinates, images keyed by "
                    + "SOPInstanceUID). The same options and seed give byte-identical output.",
            "One run writes one split: run it once per split (train, val, test, probe) with a different "
                    + "--seed and --out.",
            "--site B writes an unseen hospital for evaluation only: other anatomy, 12-bit 512² DX, padded "
                    + "CT with RescaleIntercept -1024, correlated and signal-dependent noise, other object "
                    + "forms and its own shifts."},
        sortOptions = false)
public final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--site", defaultValue = "A", paramLabel = "A|B",
            description = "Phantom family: A (the training distribution) or B (an unseen site, for evaluation) "
                    + "(default ${DEFAULT-VALUE}).")
    String site;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder; must not exist. Written under a temporary name and renamed when complete.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice and of the UIDs (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--studies", defaultValue = "20", description = "Number of studies (default ${DEFAULT-VALUE}).")
    int studies;

    @Option(names = "--slices", defaultValue = "8", description = "Slices per CT series (default ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--projections", defaultValue = "1",
            description = "Projections per DX study, one series each (default ${DEFAULT-VALUE}).")
    int projections;

    @Option(names = "--size", description = "Rows and Columns of every image (default: the site's, "
            + "256 at site A; 256 CT and 512 DX at site B).")
    Integer size;

    @Option(names = "--ct-fraction", defaultValue = "0.5", description = "Share of CT studies; the rest are DX (default ${DEFAULT-VALUE}).")
    double ctFraction;

    @Option(names = "--objects", defaultValue = "1:3", paramLabel = "MIN:MAX",
            description = "Objects per CT series or DX projection that is not normal (default ${DEFAULT-VALUE}).")
    String objects;

    @Option(names = "--normal-fraction", defaultValue = "0.2",
            description = "Share of CT series and DX projections without objects (default ${DEFAULT-VALUE}). "
                    + "CT slices outside every object's extent are object-free as well.")
    double normalFraction;

    @Option(names = "--noise", defaultValue = "5:30", paramLabel = "MIN:MAX",
            description = "Per-image noise level, drawn uniformly: standard deviation of Gaussian noise in HU for CT, "
                    + "in density units of the same visual strength for DX; site B's noise is correlated, and on DX "
                    + "this is its level at density 600 (default ${DEFAULT-VALUE}).")
    String noise;

    @Option(names = "--blur", defaultValue = "0:0.8", paramLabel = "MIN:MAX",
            description = "Per-image Gaussian blur, drawn uniformly: standard deviation in pixels (default ${DEFAULT-VALUE}).")
    String blur;

    @Option(names = "--shift-probability", defaultValue = "0",
            description = "Probability that a CT series or DX projection gets an appearance shift (default ${DEFAULT-VALUE}).")
    double shiftProbability;

    @Option(names = "--shift-kinds", split = ",", paramLabel = "KIND",
            description = "Shifts to draw from (default: all of the site's): site A contrast, texture, scale; "
                    + "site B inverted, artefact, enlarged, shape.")
    List<String> shiftKinds;

    @Option(names = "--variation", defaultValue = "0", paramLabel = "0..1",
            description = "Site A only, for training that must generalise: how far each series' anatomy, "
                    + "acquisition, noise and object forms are drawn beyond site A's own; each series draws "
                    + "its strength in 0..this (default ${DEFAULT-VALUE}, site A as it is).")
    double variation;

    @Option(names = "--size-variation", defaultValue = "0", paramLabel = "0..1",
            description = "Site A only: how far each object's size is drawn beyond its class's range, from "
                    + "halved to doubled (masses to 1.5×) at 1 (default ${DEFAULT-VALUE}, site A's sizes).")
    double sizeVariation;

    @Override
    public Integer call() throws Exception {
        SynthOptions options;
        try {
            Site family = Site.fromLabel(site);
            List<Shift> kinds = shiftKinds == null ? family.shiftKinds()
                    : shiftKinds.stream().map(Shift::fromLabel).toList();
            options = new SynthOptions(seed, studies, slices, projections,
                    size == null ? family.defaultCtSize() : size, ctFraction, SynthOptions.Range.parse(objects),
                    normalFraction, SynthOptions.Range.parse(noise), SynthOptions.Range.parse(blur), shiftProbability,
                    kinds, family, size == null ? family.defaultDxSize() : size, variation, sizeVariation);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        long start = System.nanoTime();
        SynthDatasetWriter.Summary summary;
        try {
            summary = new SynthDatasetWriter().write(options, out, written -> {
                if (written % 10 == 0 || written == options.studies()) {
                    System.err.printf("synth: %d/%d studies%n", written, options.studies());
                }
            });
        } catch (FileAlreadyExistsException e) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": " + e.getReason());
        } catch (IOException e) {
            System.err.println("synth: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder objectCounts = new StringBuilder();
        for (LesionClass lesionClass : LesionClass.values()) {
            objectCounts.append(' ').append(lesionClass.cocoName()).append('=').append(summary.objects().get(lesionClass));
        }
        System.out.printf("wrote %d studies, %d images (%d CT slices, %d DX projections; %d normal, %d shifted) "
                        + "in %.1f s to %s%nobject boxes:%s%nground truth: %s%n",
                summary.studies(), summary.ctImages() + summary.dxImages(), summary.ctImages(), summary.dxImages(),
                summary.normalImages(), summary.shiftedImages(), seconds, summary.folder(), objectCounts,
                summary.folder().resolve(SynthDatasetWriter.COCO_FILE_NAME));
        return 0;
    }
}
