package org.glean.dicom;

import java.util.Collection;
import java.util.Map;

/** What stands for each UID in a de-identified copy: the same UID always gets the same pseudonym. */
@FunctionalInterface
public interface UidPseudonyms {

    /** A pseudonym for every UID in {@code uids}. */
    Map<String, String> pseudonymsOf(Collection<String> uids);
}
