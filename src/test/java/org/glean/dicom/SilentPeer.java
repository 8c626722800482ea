package org.glean.dicom;

import com.pixelmed.network.AnyExplicitStoreFindMoveGetPresentationContextSelectionPolicy;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DICOM peer on 127.0.0.1 that misbehaves by saying nothing: it accepts every connection and
 * then either stays silent at once, or first accepts the association (PixelMed's acceptor) and
 * then answers no request. What the caller sends is read and dropped. Closing it closes every
 * connection.
 */
final class SilentPeer implements AutoCloseable {

    private final ServerSocket server;
    private final boolean acceptsAssociation;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private SilentPeer(boolean acceptsAssociation) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptsAssociation = acceptsAssociation;
        Thread acceptor = new Thread(this::accept, "silent-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts connections and never answers the A-ASSOCIATE-RQ. */
    static SilentPeer silentFromTheStart() throws IOException {
        return new SilentPeer(false);
    }

    /** Accepts the association, then answers no request. */
    static SilentPeer silentAfterAssociating() throws IOException {
        return new SilentPeer(true);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread connection = new Thread(() -> ignore(socket), "silent-peer-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void ignore(Socket socket) {
        try {
            if (acceptsAssociation) {
                AssociationFactory.createNewAssociation(socket, "SILENT",
                        new AnyExplicitStoreFindMoveGetPresentationContextSelectionPolicy());
            }
            InputStream in = socket.getInputStream();
            byte[] dropped = new byte[8192];
            while (in.read(dropped) >= 0) {
                // read and never answered
            }
        } catch (IOException | DicomNetworkException ended) {
            // the caller gave up and closed the connection, or the peer was closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
