package org.glean.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a caller may do; a token names its roles in the {@code groups} claim, in lower case. */
public enum Role {
    /** Sends studies (IngestStudy) and reads their analyses (GetStudy): hospital pipelines. */
    INGEST,
    /** Claims, reads, submits, releases and skips annotation tasks, their own only. */
    ANNOTATOR,
    /** Runs the queue, the policy, exports, fine-tuning and the current model. */
    CURATOR,
    /** Adds users and may call everything. */
    ADMIN,
    /** Calls the internal Inference service: the ingest server of a remote inference node. */
    INFERENCE;

    /** The name tokens carry. */
    public String claim() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a token's group names, if it is one of Glean's; other groups are ignored. */
    public static Optional<Role> ofClaim(String group) {
        return Arrays.stream(values()).filter(role -> role.claim().equals(group)).findFirst();
    }
}
