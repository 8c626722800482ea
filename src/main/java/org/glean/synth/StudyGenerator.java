package org.glean.synth;

/** Generates the studies of one phantom family; study {@code i} depends only on the options and {@code i}. */
public interface StudyGenerator {

    /** Study {@code index} (0-based) of the set. */
    SyntheticStudy study(int index);

    /** The generator of {@code options}' site. */
    static StudyGenerator of(SynthOptions options) {
        return switch (options.site()) {
            case A -> new PhantomGenerator(options);
            case B -> new SiteBGenerator(options);
        };
    }
}
