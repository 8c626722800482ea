package org.glean.dicom;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * PixelMed associations that wait for a peer at most its request timeout ({@link DimsePeer}):
 * for the A-ASSOCIATE-AC, and then for every read of the association, so that a peer that
 * accepts the connection and stays silent ends the request with a clear error instead of
 * holding its caller for ever. PixelMed has no such timeout; it is set here on its socket.
 */
final class TimedAssociation {

    private static final Field ASSOCIATION_SOCKET = associationSocket();
    // Threads that wait for the peer to accept an association, which PixelMed does without a
    // timeout; one whose peer never answers stays blocked until the peer closes the connection.
    private static final ExecutorService ASSOCIATING = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "dimse-associate");
        thread.setDaemon(true);
        return thread;
    });

    private TimedAssociation() {
    }

    /** Opens an association, as PixelMed does it. */
    @FunctionalInterface
    interface Request {

        Association open() throws DicomNetworkException, DicomException, IOException;
    }

    /**
     * Opens the association {@code request} asks for, waiting at most the peer's request timeout
     * for its acceptance; every read of it then waits at most that long too.
     *
     * @param what the service, for messages: "C-FIND", "C-STORE"…
     */
    static Association open(DimsePeer peer, String what, Request request) throws DimseException {
        CompletableFuture<Association> opening = new CompletableFuture<>();
        ASSOCIATING.execute(() -> {
            try {
                opening.complete(request.open());
            } catch (DicomNetworkException | DicomException | IOException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        });
        Association association;
        try {
            association = opening.get(peer.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(TimedAssociation::abort); // should the peer accept it after all
            throw new DimseException(peer.describe() + " accepted the connection but did not answer the " + what
                    + " association request within " + peer.requestTimeout() + " (request-timeout); check that a"
                    + " DICOM service listens at that port and is not overloaded", e);
        } catch (InterruptedException e) {
            opening.thenAccept(TimedAssociation::abort);
            Thread.currentThread().interrupt();
            throw new DimseException("stopped while waiting for " + peer.describe() + " to accept the " + what
                    + " association", e);
        } catch (ExecutionException e) {
            throw new DimseException(peer.describe() + " refused the " + what + " association ("
                    + e.getCause().getMessage() + "); check the AE titles, and that the peer knows Glean's calling"
                    + " AE title '" + peer.callingAeTitle() + "'", e.getCause());
        }
        answerWithin(peer, association);
        return association;
    }

    /** Aborts the association; one already broken is left as it is. */
    static void abort(Association association) {
        try {
            association.abort();
        } catch (DicomNetworkException | RuntimeException ignored) {
            // already broken: nothing left to end
        }
    }

    /**
     * The error for a request that failed on the association: the peer's silence past the
     * request timeout (PixelMed closes the association then and says so only in its message), or
     * the association breaking off.
     */
    static DimseException failed(DimsePeer peer, String what, Exception e) {
        return timedOut(e) ? silent(peer, what, e) : new DimseException(what + " at " + peer.describe()
                + " broke off (" + e.getClass().getSimpleName() + ")", e);
    }

    static boolean timedOut(Exception e) {
        return String.valueOf(e.getMessage()).contains(SocketTimeoutException.class.getSimpleName());
    }

    static DimseException silent(DimsePeer peer, String what, Exception e) {
        return new DimseException(peer.describe() + " did not answer the " + what + " within " + peer.requestTimeout()
                + " (request-timeout); the association was aborted. Check the peer's load and log, or raise"
                + " request-timeout if it is slow to answer", e);
    }

    // Every read of the association waits at most the request timeout; and the small messages
    // (requests, C-STORE responses) go out at once rather than after Nagle's wait.
    private static void answerWithin(DimsePeer peer, Association association) throws DimseException {
        try {
            Socket socket = (Socket) ASSOCIATION_SOCKET.get(association);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, peer.requestTimeout().toMillis()));
            socket.setTcpNoDelay(true);
        } catch (IOException | IllegalAccessException e) {
            abort(association);
            throw new DimseException("cannot set the request timeout of the association with " + peer.describe(), e);
        }
    }

    private static Field associationSocket() {
        try {
            Field socket = Association.class.getDeclaredField("socket");
            socket.setAccessible(true);
            return socket;
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new IllegalStateException("this PixelMed's Association has no socket to set a request timeout on",
                    e);
        }
    }
}
