package org.glean.ingest;

/**
 * What storing one instance of a group came to: stored (or found already held), refused with a
 * reason, or skipped because an earlier instance of the same call was refused.
 */
public final class InstanceOutcome {

    private static final InstanceOutcome SKIPPED = new InstanceOutcome(null, null);

    private final StoredInstance stored;
    private final Exception refusal;

    private InstanceOutcome(StoredInstance stored, Exception refusal) {
        this.stored = stored;
        this.refusal = refusal;
    }

    static InstanceOutcome stored(StoredInstance stored) {
        return new InstanceOutcome(stored, null);
    }

    static InstanceOutcome refused(InvalidInstanceException refusal) {
        return new InstanceOutcome(null, refusal);
    }

    static InstanceOutcome refused(SizeLimitException refusal) {
        return new InstanceOutcome(null, refusal);
    }

    static InstanceOutcome skipped() {
        return SKIPPED;
    }

    /** Whether the instance is held now: stored by this group or before. */
    public boolean isStored() {
        return stored != null;
    }

    public boolean isSkipped() {
        return this == SKIPPED;
    }

    /**
     * The stored instance.
     *
     * @throws InvalidInstanceException when the instance was refused as not fitting what is stored
     * @throws SizeLimitException when the instance would have taken its study past the size limit
     * @throws IllegalStateException when it was skipped
     */
    public StoredInstance storedOrThrow() throws InvalidInstanceException, SizeLimitException {
        if (refusal instanceof InvalidInstanceException invalid) {
            throw invalid;
        }
        if (refusal instanceof SizeLimitException tooLarge) {
            throw tooLarge;
        }
        if (stored == null) {
            throw new IllegalStateException("the instance was skipped after an earlier refusal");
        }
        return stored;
    }
}
