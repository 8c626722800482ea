package org.glean.training;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** How the server fine-tunes its model on clinicians' annotations (glean.training.*). */
@ConfigMapping(prefix = "glean.training")
public interface FineTuneConfig {

    /**
     * Start a job by itself once this many annotations (submitted tasks) have arrived since the
     * last job started; 0 turns it off.
     */
    @WithDefault("0")
    int autoFineTuneAfter();

    /** Share of annotated studies held out for validation, chosen by a hash of the StudyInstanceUID. */
    @WithDefault("0.2")
    double heldOutShare();

    /** Optional folder of DICOM files with COCO labels, trained on (and held out from) with the annotations. */
    Optional<Path> initialData();

    /** COCO file of {@link #initialData()}; absent: initial-data/coco.json. */
    Optional<Path> initialCoco();

    /**
     * Passes over the annotated training images of a job that asks for none, within
     * {@link #minSteps()} and {@link #maxSteps()} updates.
     */
    @WithDefault("10")
    int epochs();

    /** The fewest updates of a job: a few annotated studies make short epochs, and need more of them. */
    @WithDefault("150")
    int minSteps();

    /** The most updates of a job, which bounds its time however many annotations there are. */
    @WithDefault("1500")
    int maxSteps();

    /**
     * Share of a job's updates, at its start, that train the head alone with the backbone frozen
     * (its BatchNorm statistics too), before all layers train.
     */
    @WithDefault("0.2")
    double backboneFrozenShare();

    /**
     * Share of every batch drawn from the training part of {@link #initialData()}, so that the
     * model does not forget the data it was first trained on; 0 trains on the annotations and the
     * initial set as one.
     */
    @WithDefault("0.25")
    double replayShare();

    /** Peak Adam learning rate of a job that asks for none: lower than from scratch, the model is trained already. */
    @WithDefault("0.0005")
    double learningRate();

    /** Linear warm-up of the learning rate, in updates. */
    @WithDefault("20")
    int warmupSteps();

    /** Images per update. */
    @WithDefault("16")
    int batchSize();

    /**
     * Stop a job once this many validation rounds in a row have not validated better (0: run
     * them all); a job validates after every epoch, or every tenth of its updates when epochs are shorter.
     */
    @WithDefault("3")
    int patience();

    /** The least held-out evidence the promotion gate decides on. */
    Gate gate();

    /** The promotion gate's minimum evidence: below it a candidate waits for more annotations. */
    interface Gate {

        /** Held-out annotated studies. */
        @WithDefault("5")
        int minHeldOutStudies();

        /** Objects annotated on the held-out studies. */
        @WithDefault("20")
        int minHeldOutObjects();
    }

    /** Seed of the shuffling and mirroring. */
    @WithDefault("1")
    long seed();

    /**
     * A promotion fits the new version's normalisation statistics over at most this many stored
     * instances (a sample in content-hash order, unrelated to the studies).
     */
    @WithDefault("500")
    int calibrationInstances();
}
