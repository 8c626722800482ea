package org.glean.dicom;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The transfer syntaxes Glean recognises: how each encodes the dataset, and whether Glean can
 * decode its Pixel Data. Recognised but undecodable ones are listed so that a rejection can name
 * them; every transfer syntax after the uncompressed ones encodes the dataset as explicit VR
 * little endian with encapsulated Pixel Data (PS3.5 §A.4), so their structure is still checked.
 */
public enum TransferSyntax {
    IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", "Implicit VR Little Endian", Encoding.IMPLICIT_LITTLE, true),
    EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", "Explicit VR Little Endian", Encoding.EXPLICIT_LITTLE, true),
    DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian",
            Encoding.DEFLATED_EXPLICIT_LITTLE, true),
    EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", "Explicit VR Big Endian", Encoding.EXPLICIT_BIG, true),
    RLE_LOSSLESS("1.2.840.10008.1.2.5", "RLE Lossless", Encoding.ENCAPSULATED, true),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", Encoding.ENCAPSULATED, true),
    JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", Encoding.ENCAPSULATED, false),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", Encoding.ENCAPSULATED,
            true),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70",
            "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])",
            Encoding.ENCAPSULATED, true),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", Encoding.ENCAPSULATED, false),
    JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression",
            Encoding.ENCAPSULATED, false),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)",
            Encoding.ENCAPSULATED, true),
    JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", Encoding.ENCAPSULATED, true),
    JPEG_2000_PART2_LOSSLESS("1.2.840.10008.1.2.4.92",
            "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", Encoding.ENCAPSULATED, false),
    JPEG_2000_PART2("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression",
            Encoding.ENCAPSULATED, false),
    JPIP_REFERENCED("1.2.840.10008.1.2.4.94", "JPIP Referenced", Encoding.EXPLICIT_LITTLE, false),
    JPIP_REFERENCED_DEFLATE("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", Encoding.DEFLATED_EXPLICIT_LITTLE,
            false),
    MPEG2_MAIN_PROFILE("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", Encoding.ENCAPSULATED, false),
    MPEG2_HIGH_PROFILE("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", Encoding.ENCAPSULATED, false),
    MPEG4_AVC_HIGH_PROFILE("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1",
            Encoding.ENCAPSULATED, false),
    MPEG4_AVC_BD("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1",
            Encoding.ENCAPSULATED, false),
    MPEG4_AVC_2D("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video",
            Encoding.ENCAPSULATED, false),
    MPEG4_AVC_3D("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video",
            Encoding.ENCAPSULATED, false),
    MPEG4_AVC_STEREO("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2",
            Encoding.ENCAPSULATED, false),
    HEVC_MAIN("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", Encoding.ENCAPSULATED, false),
    HEVC_MAIN_10("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", Encoding.ENCAPSULATED, false),
    JPEG_XL_LOSSLESS("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", Encoding.ENCAPSULATED, false),
    JPEG_XL_RECOMPRESSION("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", Encoding.ENCAPSULATED, false),
    JPEG_XL("1.2.840.10008.1.2.4.112", "JPEG XL", Encoding.ENCAPSULATED, false),
    HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
            Encoding.ENCAPSULATED, false),
    HTJ2K_LOSSLESS_RPCL("1.2.840.10008.1.2.4.202",
            "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", Encoding.ENCAPSULATED,
            false),
    HTJ2K("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", Encoding.ENCAPSULATED, false),
    ENCAPSULATED_UNCOMPRESSED("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian",
            Encoding.ENCAPSULATED, false);

    /** How the dataset after the file meta information is encoded. */
    public enum Encoding {
        IMPLICIT_LITTLE(false, ByteOrder.LITTLE_ENDIAN, false, false),
        EXPLICIT_LITTLE(true, ByteOrder.LITTLE_ENDIAN, false, false),
        DEFLATED_EXPLICIT_LITTLE(true, ByteOrder.LITTLE_ENDIAN, true, false),
        EXPLICIT_BIG(true, ByteOrder.BIG_ENDIAN, false, false),
        ENCAPSULATED(true, ByteOrder.LITTLE_ENDIAN, false, true);

        final boolean explicitVr;
        final ByteOrder byteOrder;
        final boolean deflated;
        final boolean encapsulatedPixelData;

        Encoding(boolean explicitVr, ByteOrder byteOrder, boolean deflated, boolean encapsulatedPixelData) {
            this.explicitVr = explicitVr;
            this.byteOrder = byteOrder;
            this.deflated = deflated;
            this.encapsulatedPixelData = encapsulatedPixelData;
        }
    }

    private final String uid;
    private final String description;
    private final Encoding encoding;
    private final boolean decodable;

    TransferSyntax(String uid, String description, Encoding encoding, boolean decodable) {
        this.uid = uid;
        this.description = description;
        this.encoding = encoding;
        this.decodable = decodable;
    }

    public String uid() {
        return uid;
    }

    /** The name PS3.6 gives this transfer syntax. */
    public String description() {
        return description;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Whether Glean decodes Pixel Data in this transfer syntax. */
    public boolean decodable() {
        return decodable;
    }

    public static Optional<TransferSyntax> forUid(String uid) {
        return Arrays.stream(values()).filter(ts -> ts.uid.equals(uid)).findFirst();
    }

    /** "uid (name)", the form every message about a transfer syntax uses. */
    public String label() {
        return uid + " (" + description + ")";
    }
}
