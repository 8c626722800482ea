package org.glean.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link StorageScp} hands the instances it is sent. Knows nothing of the network: it
 * gets each instance as Part-10 bytes, piece by piece, and answers with a C-STORE status.
 */
public interface CStoreHandler {

    /**
     * Called when a C-STORE request arrives, before its data set.
     *
     * @param callingAeTitle the sender's AE title, for logs
     */
    IncomingInstance begin(String callingAeTitle) throws IOException;

    /** One instance on its way in. */
    interface IncomingInstance {

        /** The next bytes of the Part-10 encoding: first preamble and file meta information, then the data set. */
        void append(ByteBuffer bytes) throws IOException;

        /** All bytes have arrived: store the instance and say how it went. */
        CStoreOutcome complete();

        /** The association broke off; forget the instance. */
        void abort();
    }
}
