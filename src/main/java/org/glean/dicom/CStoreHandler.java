package org.glean.dicom;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Where a {@link StorageScp} hands the associations it admits and the instances they send. Knows
 * nothing of the network: it gets each instance as Part-10 bytes, piece by piece, and answers
 * with a C-STORE status.
 */
@FunctionalInterface
public interface CStoreHandler {

    /**
     * An admitted caller opened an association; its instances go to the session returned, which
     * is told when the association ends, however it ends.
     *
     * @param callingAeTitle the sender's AE title
     * @param peer where the sender connected from
     */
    Session associate(String callingAeTitle, InetSocketAddress peer);

    /**
     * A caller the allow-list does not admit was refused with an A-ASSOCIATE-RJ.
     *
     * @param callingAeTitle the AE title it gave, control characters replaced
     */
    default void refused(String callingAeTitle, InetSocketAddress peer) {
    }

    /** One association's instances. */
    @FunctionalInterface
    interface Session {

        /** Called when a C-STORE request arrives, before its data set. */
        IncomingInstance begin() throws IOException;

        /** The association ended: released, aborted, timed out or broken. */
        default void ended() {
        }
    }

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
