package org.glean.pacs;

/** How a DIMSE source's studies are retrieved (setting {@code retrieve}: {@code c-move} or {@code c-get}). */
public enum DimseRetrieve {

    /** The PACS sends the study to Glean's C-STORE SCP, which it must know by AE title, host and port. */
    C_MOVE,

    /** The PACS sends the study back on Glean's own association: it needs no address of Glean's. */
    C_GET
}
