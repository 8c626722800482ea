package org.glean.synth;

/** The object classes of the synthetic phantoms, with their COCO category ids. */
public enum LesionClass {

    /** Small, round, bright: 4–12 px radius at 256². */
    NODULE(1, "nodule"),

    /** Larger, irregular and lobulated, with a soft edge: 15–35 px radius at 256². */
    MASS(2, "mass"),

    /** A tight cluster of 3–8 tiny, very bright dots. */
    CALCIFICATION(3, "calcification");

    private final int categoryId;
    private final String cocoName;

    LesionClass(int categoryId, String cocoName) {
        this.categoryId = categoryId;
        this.cocoName = cocoName;
    }

    /** The COCO category id. */
    public int categoryId() {
        return categoryId;
    }

    /** The COCO category name. */
    public String cocoName() {
        return cocoName;
    }
}
