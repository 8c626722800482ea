package org.glean.detector;

/** What the network predicts per anchor. */
public enum HeadType {
    /** K-component mixtures for every box coordinate and for the class logits (method.md §1). */
    MDN,
    /** An ordinary SSD head: one box offset and one set of class logits. */
    PLAIN
}
