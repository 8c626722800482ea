package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoResponseCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.jboss.logging.Logger;

/**
 * A DICOM C-STORE SCP (with C-ECHO) on PixelMed's association layer. Accepts every storage SOP
 * class in any transfer syntax the sender proposes, compressed ones included, and streams each
 * data set to a {@link CStoreHandler} as it arrives, so memory holds one PDU per association,
 * never an instance. Unlike PixelMed's own StorageSOPClassSCP it answers every C-STORE with
 * the status the handler chose, failures with an ErrorComment, and it binds to a given address.
 *
 * <p>Before PixelMed sees a connection the SCP reads the A-ASSOCIATE-RQ itself: a calling AE
 * title and address that the {@link CallerAllowList} does not admit gets an A-ASSOCIATE-RJ
 * (rejected-permanent, DICOM UL service-user, calling AE title not recognized), because
 * PixelMed's acceptor checks only the called AE title and offers no hook for the calling one.
 * An admitted request is replayed to PixelMed unchanged. The request must arrive within the
 * association timeout of the connection, and every read after it within the read timeout.
 *
 * <p>A graceful stop takes two steps: {@link #stopAccepting} closes the port and refuses the
 * C-STOREs that begin after it (0xA700, send again later), then {@link #awaitIdle} waits for the
 * requests in progress to be answered; {@link #close} ends the rest.
 */
public final class StorageScp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StorageScp.class);
    private static final int C_STORE_RQ = 0x0001;
    private static final int C_STORE_RSP = 0x8001;
    private static final int C_ECHO_RQ = 0x0030;
    private static final int NO_DATA_SET = 0x0101;
    private static final int ERROR_COMMENT_MAX = 64;
    private static final AttributeTag COMMAND_GROUP_LENGTH = new AttributeTag(0x0000, 0x0000);
    // The largest PDU a sender may send: PixelMed's default, 16 KiB, splits a 128 KiB CT image into
    // nine PDUs, each read, parsed and copied on its own; DCMTK sends up to 128 KiB.
    private static final int MAX_PDU_RECEIVED = 256 << 10;
    // 0: the socket's buffers stay as the operating system tunes them, not PixelMed's fixed 64 KiB.
    private static final int OS_TUNED_BUFFERS = 0;

    private static final int A_ASSOCIATE_RQ = 0x01;
    private static final int PDU_HEADER = 6;
    private static final int ASSOCIATE_RQ_FIXED = 68; // protocol version to the end of the reserved 32 bytes
    private static final int ASSOCIATE_RQ_MAX = 1 << 20;
    private static final int CALLING_AE_OFFSET = PDU_HEADER + 20;
    // A-ASSOCIATE-RJ (PS3.8 §9.3.4): result 1 rejected-permanent, source 1 DICOM UL
    // service-user, reason 3 calling-AE-title-not-recognized.
    private static final byte[] CALLING_AE_NOT_RECOGNIZED = {0x03, 0, 0, 0, 0, 4, 0, 1, 1, 3};

    /**
     * Who may call and how long they may take: the A-ASSOCIATE-RQ must be complete within
     * {@code associationTimeout} of the connection, and no read may wait longer than
     * {@code readTimeout}, so a peer that connects and goes silent frees its thread.
     */
    public record Admission(CallerAllowList callers, Duration associationTimeout, Duration readTimeout) {
        public Admission {
            if (associationTimeout.isNegative() || associationTimeout.isZero() || readTimeout.isNegative()
                    || readTimeout.isZero()) {
                throw new IllegalArgumentException("DICOM association and read timeouts must be positive");
            }
        }
    }

    private final ServerSocket serverSocket;
    private final String aeTitle;
    private final Admission admission;
    private final CStoreHandler handler;
    private final ThreadPoolExecutor associations;
    private final Thread acceptor;
    // A party per request from its first PDU to its response, and one for the stop that waits for them.
    private final Phaser requests = new Phaser(1);
    private volatile boolean stopping;

    private StorageScp(ServerSocket serverSocket, String aeTitle, int maxAssociations, Admission admission,
            CStoreHandler handler) {
        this.serverSocket = serverSocket;
        this.aeTitle = aeTitle;
        this.admission = admission;
        this.handler = handler;
        AtomicInteger threadNumber = new AtomicInteger();
        this.associations = new ThreadPoolExecutor(0, maxAssociations, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> daemon(runnable, "dicom-association-" + threadNumber.incrementAndGet()));
        this.acceptor = daemon(this::acceptAssociations, "dicom-scp-" + serverSocket.getLocalPort());
    }

    /**
     * Listens on {@code bindAddress:port} (port 0 picks a free one) for associations that call
     * {@code aeTitle} from callers that {@code admission} admits; at most {@code maxAssociations}
     * are served at once, more are turned away.
     * PixelMed holds each association's thread for 5 s after the release (its ARTIM wait), so
     * a sender that opens one association per instance needs about 5 s × its rate of them.
     */
    public static StorageScp start(InetAddress bindAddress, int port, String aeTitle, int maxAssociations,
            Admission admission, CStoreHandler handler) throws IOException {
        return listen(new ServerSocket(), bindAddress, port, aeTitle, maxAssociations, admission, handler);
    }

    /**
     * As {@link #start}, over TLS (DICOM PS3.15 Annex B, the Basic TLS Secure Transport Connection
     * Profile) with {@code tls}'s certificate; a caller must present a certificate that
     * {@code tls} trusts when {@code requireClientCertificate}. The handshake counts against the
     * association timeout; a caller that fails it is disconnected before any DICOM is read.
     */
    public static StorageScp startTls(SSLContext tls, boolean requireClientCertificate, InetAddress bindAddress,
            int port, String aeTitle, int maxAssociations, Admission admission, CStoreHandler handler)
            throws IOException {
        SSLServerSocket serverSocket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        serverSocket.setNeedClientAuth(requireClientCertificate);
        return listen(serverSocket, bindAddress, port, aeTitle, maxAssociations, admission, handler);
    }

    private static StorageScp listen(ServerSocket serverSocket, InetAddress bindAddress, int port, String aeTitle,
            int maxAssociations, Admission admission, CStoreHandler handler) throws IOException {
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bindAddress, port));
        StorageScp scp = new StorageScp(serverSocket, aeTitle, maxAssociations, admission, handler);
        scp.acceptor.start();
        return scp;
    }

    /** The port it listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Takes no new associations and refuses C-STORE requests that begin from now on. */
    public void stopAccepting() throws IOException {
        stopping = true;
        serverSocket.close();
    }

    /**
     * Waits, once, until no request is in progress or the deadline passes; true when none is.
     * Requests that begin meanwhile (their data set already on its way) are waited for too.
     */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        int phase = requests.arriveAndDeregister();
        try {
            requests.awaitAdvanceInterruptibly(phase, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                    TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        serverSocket.close();
        associations.shutdownNow();
    }

    private void acceptAssociations() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                LOG.warn("Accepting a DICOM connection failed", e);
                continue;
            }
            try {
                associations.execute(() -> serve(socket));
            } catch (RejectedExecutionException busy) {
                LOG.warnf("Turned away a DICOM connection from %s: all associations busy",
                        socket.getRemoteSocketAddress());
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        RequestHandler request = null;
        CStoreHandler.Session session = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            byte[] associateRequest = readAssociateRequest(socket);
            if (associateRequest == null) {
                return;
            }
            socket.setSoTimeout(millis(admission.readTimeout()));
            Association association = AssociationFactory.createNewAssociation(
                    new ReplayingSocket(socket, associateRequest), aeTitle, MAX_PDU_RECEIVED, OS_TUNED_BUFFERS,
                    OS_TUNED_BUFFERS, new AnyExplicitStorePresentationContextSelectionPolicy());
            session = handler.associate(association.getCallingAETitle().trim(),
                    (InetSocketAddress) socket.getRemoteSocketAddress());
            while (true) {
                request = new RequestHandler(session);
                association.setReceivedDataHandler(request);
                try {
                    association.waitForPDataPDUsUntilHandlerReportsDone();
                } catch (AReleaseException released) {
                    return;
                }
                association.send(request.presentationContextId, request.response, null);
                request.answered();
                request = null;
            }
        } catch (SocketTimeoutException e) {
            LOG.warnf("Closed a silent DICOM connection from %s: %s (glean.scp.association-timeout,"
                    + " glean.scp.read-timeout)", socket.getRemoteSocketAddress(), e.getMessage());
        } catch (DicomNetworkException | IOException e) {
            if (associations.isShutdown()) {
                LOG.debugf("DICOM association from %s closed at shutdown", socket.getRemoteSocketAddress());
            } else {
                LOG.warnf("DICOM association from %s ended: %s", socket.getRemoteSocketAddress(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "DICOM association from %s failed", socket.getRemoteSocketAddress());
        } finally {
            if (request != null) {
                request.abandon();
            }
            if (session != null) {
                session.ended();
            }
        }
    }

    /**
     * Reads the first PDU whole, within the association timeout. Returns it when it is an
     * A-ASSOCIATE-RQ from an admitted caller, or something else PixelMed should answer (it
     * aborts); returns null when the caller was refused (A-ASSOCIATE-RJ sent) or the request
     * is implausibly large.
     */
    private byte[] readAssociateRequest(Socket socket) throws IOException {
        long deadline = System.nanoTime() + admission.associationTimeout().toNanos();
        InputStream in = socket.getInputStream();
        byte[] header = new byte[PDU_HEADER];
        readFully(socket, in, header, 0, PDU_HEADER, deadline);
        long length = ByteBuffer.wrap(header, 2, 4).getInt() & 0xffffffffL;
        if ((header[0] & 0xff) != A_ASSOCIATE_RQ) {
            return header; // PixelMed aborts anything but an A-ASSOCIATE-RQ
        }
        if (length < ASSOCIATE_RQ_FIXED || length > ASSOCIATE_RQ_MAX) {
            LOG.warnf("Closed a DICOM connection from %s: A-ASSOCIATE-RQ of %d bytes", socket.getRemoteSocketAddress(),
                    length);
            return null;
        }
        byte[] pdu = new byte[PDU_HEADER + (int) length];
        System.arraycopy(header, 0, pdu, 0, PDU_HEADER);
        readFully(socket, in, pdu, PDU_HEADER, (int) length, deadline);
        String callingAeTitle = new String(pdu, CALLING_AE_OFFSET, 16, StandardCharsets.US_ASCII).trim();
        if (admission.callers().admits(callingAeTitle, socket.getInetAddress())) {
            return pdu;
        }
        LOG.warnf("Refused a DICOM association (A-ASSOCIATE-RJ, calling AE title not recognized) from AE '%s' at %s:"
                + " not admitted by glean.scp.allowed-callers", printable(callingAeTitle),
                socket.getInetAddress().getHostAddress());
        handler.refused(printable(callingAeTitle), (InetSocketAddress) socket.getRemoteSocketAddress());
        OutputStream out = socket.getOutputStream();
        out.write(CALLING_AE_NOT_RECOGNIZED);
        out.flush();
        socket.shutdownOutput();
        return null;
    }

    // Reads len bytes; each read waits at most the read timeout and never past the deadline.
    private void readFully(Socket socket, InputStream in, byte[] buffer, int offset, int len, long deadline)
            throws IOException {
        int done = 0;
        while (done < len) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("association timeout " + admission.associationTimeout()
                        + " before a complete A-ASSOCIATE-RQ");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left),
                    millis(admission.readTimeout()))));
            int read;
            try {
                read = in.read(buffer, offset + done, len - done);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("the association or read timeout, waiting for an A-ASSOCIATE-RQ");
            }
            if (read < 0) {
                throw new IOException("Connection closed before a complete A-ASSOCIATE-RQ");
            }
            done += read;
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * The accepted socket with the already-read A-ASSOCIATE-RQ put back in front of its input,
     * for PixelMed's acceptor, which reads the request itself. Everything it calls is delegated.
     */
    private static final class ReplayingSocket extends Socket {

        private final Socket socket;
        private final InputStream input;

        ReplayingSocket(Socket socket, byte[] alreadyRead) throws IOException {
            super((SocketImpl) null);
            this.socket = socket;
            this.input = new SequenceInputStream(new ByteArrayInputStream(alreadyRead), socket.getInputStream());
        }

        @Override
        public InputStream getInputStream() {
            return input;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void shutdownInput() throws IOException {
            socket.shutdownInput();
        }

        @Override
        public InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public InetAddress getLocalAddress() {
            return socket.getLocalAddress();
        }

        @Override
        public int getPort() {
            return socket.getPort();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public int getReceiveBufferSize() throws SocketException {
            return socket.getReceiveBufferSize();
        }

        @Override
        public void setReceiveBufferSize(int size) throws SocketException {
            socket.setReceiveBufferSize(size);
        }

        @Override
        public int getSendBufferSize() throws SocketException {
            return socket.getSendBufferSize();
        }

        @Override
        public void setSendBufferSize(int size) throws SocketException {
            socket.setSendBufferSize(size);
        }

        @Override
        public int getSoLinger() throws SocketException {
            return socket.getSoLinger();
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return socket.getSoTimeout();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return socket.getTcpNoDelay();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            socket.setTcpNoDelay(on);
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }

    /**
     * Collects one request message (command, then data set if any) and prepares its response.
     * PixelMed's request handler base has no public constructor; its response handler base
     * has, and its one method that matters, sendPDataIndication, is replaced here entirely.
     */
    private final class RequestHandler extends CompositeResponseHandler {

        private final CStoreHandler.Session session;
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private byte presentationContextId;
        private byte[] response;
        private CStoreRequestCommandMessage store;
        private CStoreHandler.IncomingInstance incoming;
        private CStoreOutcome refusal;
        private boolean inProgress;

        RequestHandler(CStoreHandler.Session session) {
            this.session = session;
        }

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association association)
                throws DicomNetworkException, DicomException, IOException {
            if (!inProgress) {
                inProgress = true;
                requests.register();
            }
            @SuppressWarnings("unchecked")
            List<PresentationDataValue> values = pdu.getPDVList();
            for (PresentationDataValue value : values) {
                if (value.isCommand()) {
                    command.write(value.getValue());
                    if (value.isLastFragment()) {
                        presentationContextId = value.getPresentationContextID();
                        onCommand(association);
                    }
                } else {
                    onData(value);
                }
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // Only sendPDataIndication is used; there is no response status to evaluate.
        }

        private void onCommand(Association association) throws DicomNetworkException, DicomException, IOException {
            AttributeList list = getAttributeListFromCommandOrData(command.toByteArray(),
                    TransferSyntax.ImplicitVRLittleEndian);
            int commandField = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, -1);
            if (commandField == C_ECHO_RQ) {
                response = new CEchoResponseCommandMessage(
                        Attribute.getSingleStringValueOrEmptyString(list, TagFromName.AffectedSOPClassUID),
                        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.MessageID, 0),
                        CStoreOutcome.SUCCESS).getBytes();
                setDone(true);
            } else if (commandField == C_STORE_RQ) {
                store = new CStoreRequestCommandMessage(list);
                if (Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandDataSetType, NO_DATA_SET)
                        == NO_DATA_SET) {
                    respond(CStoreOutcome.cannotUnderstand("C-STORE request without a data set"));
                    return;
                }
                begin(association.getTransferSyntaxForPresentationContextID(presentationContextId));
            } else {
                throw new DicomNetworkException("Unsupported DIMSE command 0x" + Integer.toHexString(commandField)
                        + "; this SCP answers C-STORE and C-ECHO");
            }
        }

        private void begin(String transferSyntaxUid) throws IOException {
            if (stopping) {
                // its data set is read off the wire and dropped, then the refusal answered
                refusal = CStoreOutcome.outOfResources("Glean is stopping; send again later");
                return;
            }
            byte[] part10Header;
            try {
                part10Header = part10Header(store.getAffectedSOPClassUID(), store.getAffectedSOPInstanceUID(),
                        transferSyntaxUid);
            } catch (DicomException e) {
                refusal = CStoreOutcome.cannotUnderstand("C-STORE command lacks SOP class or instance UID");
                return;
            }
            incoming = session.begin();
            incoming.append(ByteBuffer.wrap(part10Header));
        }

        private void onData(PresentationDataValue value) throws DicomNetworkException, DicomException, IOException {
            if (store == null) {
                throw new DicomNetworkException("Data set received without a C-STORE command");
            }
            if (incoming != null) {
                incoming.append(ByteBuffer.wrap(value.getValue()));
            }
            if (value.isLastFragment()) {
                CStoreOutcome outcome = refusal != null ? refusal : incoming.complete();
                incoming = null;
                respond(outcome);
            }
        }

        private void respond(CStoreOutcome outcome) throws DicomException, IOException {
            response = storeResponse(store, outcome);
            setDone(true);
        }

        void answered() {
            if (inProgress) {
                inProgress = false;
                requests.arriveAndDeregister();
            }
        }

        void abandon() {
            if (incoming != null) {
                incoming.abort();
                incoming = null;
            }
            answered();
        }
    }

    // Preamble, "DICM" and file meta information, so that the instance is a Part-10 file. No
    // SourceApplicationEntityTitle: the same instance from two senders has the same bytes.
    static byte[] part10Header(String sopClassUid, String sopInstanceUid, String transferSyntaxUid)
            throws DicomException, IOException {
        AttributeList meta = new FileMetaInformation(sopClassUid, sopInstanceUid, transferSyntaxUid, null)
                .getAttributeList();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, TransferSyntax.ExplicitVRLittleEndian, transferSyntaxUid);
        meta.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    // C-STORE-RSP (PS3.7 §9.3.1.2) with ErrorComment on failure; PixelMed's own response
    // message has no ErrorComment.
    static byte[] storeResponse(CStoreRequestCommandMessage request, CStoreOutcome outcome)
            throws DicomException, IOException {
        AttributeList body = new AttributeList();
        putUid(body, TagFromName.AffectedSOPClassUID, request.getAffectedSOPClassUID());
        putShort(body, TagFromName.CommandField, C_STORE_RSP);
        putShort(body, TagFromName.MessageIDBeingRespondedTo, request.getMessageID());
        putShort(body, TagFromName.CommandDataSetType, NO_DATA_SET);
        putShort(body, TagFromName.Status, outcome.status());
        putUid(body, TagFromName.AffectedSOPInstanceUID, request.getAffectedSOPInstanceUID());
        if (!outcome.isSuccess()) {
            Attribute comment = new LongStringAttribute(TagFromName.ErrorComment);
            comment.addValue(errorComment(outcome.errorComment()));
            body.put(comment);
        }
        byte[] encodedBody = implicitLittleEndian(body);
        AttributeList groupLength = new AttributeList();
        Attribute length = new UnsignedLongAttribute(COMMAND_GROUP_LENGTH);
        length.addValue(encodedBody.length);
        groupLength.put(length);
        byte[] encodedLength = implicitLittleEndian(groupLength);
        byte[] message = new byte[encodedLength.length + encodedBody.length];
        System.arraycopy(encodedLength, 0, message, 0, encodedLength.length);
        System.arraycopy(encodedBody, 0, message, encodedLength.length, encodedBody.length);
        return message;
    }

    // ErrorComment is LO: at most 64 characters of the default repertoire, no backslash or
    // control characters.
    private static String errorComment(String reason) {
        String cleaned = reason.replaceAll("[^\\x20-\\x7e]|\\\\", " ");
        return cleaned.length() <= ERROR_COMMENT_MAX ? cleaned : cleaned.substring(0, ERROR_COMMENT_MAX - 3) + "...";
    }

    private static void putUid(AttributeList list, AttributeTag tag, String uid) throws DicomException {
        Attribute attribute = new UniqueIdentifierAttribute(tag);
        attribute.addValue(uid);
        list.put(attribute);
    }

    private static void putShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        Attribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    private static byte[] implicitLittleEndian(AttributeList list) throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, TransferSyntax.ImplicitVRLittleEndian);
        list.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing a turned-away connection failed", e);
        }
    }
}
