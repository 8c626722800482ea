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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A DICOM C-STORE SCP (with C-ECHO) on PixelMed's association layer. Accepts every storage SOP
 * class in any transfer syntax the sender proposes, compressed ones included, and streams each
 * data set to a {@link CStoreHandler} as it arrives, so memory holds one PDU per association,
 * never an instance. Unlike PixelMed's own StorageSOPClassSCP it answers every C-STORE with
 * the status the handler chose, failures with an ErrorComment, and it binds to a given address.
 */
public final class StorageScp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StorageScp.class);
    private static final int C_STORE_RQ = 0x0001;
    private static final int C_STORE_RSP = 0x8001;
    private static final int C_ECHO_RQ = 0x0030;
    private static final int NO_DATA_SET = 0x0101;
    private static final int ERROR_COMMENT_MAX = 64;
    private static final AttributeTag COMMAND_GROUP_LENGTH = new AttributeTag(0x0000, 0x0000);

    private final ServerSocket serverSocket;
    private final String aeTitle;
    private final CStoreHandler handler;
    private final ThreadPoolExecutor associations;
    private final Thread acceptor;

    private StorageScp(ServerSocket serverSocket, String aeTitle, int maxAssociations, CStoreHandler handler) {
        this.serverSocket = serverSocket;
        this.aeTitle = aeTitle;
        this.handler = handler;
        AtomicInteger threadNumber = new AtomicInteger();
        this.associations = new ThreadPoolExecutor(0, maxAssociations, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> daemon(runnable, "dicom-association-" + threadNumber.incrementAndGet()));
        this.acceptor = daemon(this::acceptAssociations, "dicom-scp-" + serverSocket.getLocalPort());
    }

    /**
     * Listens on {@code bindAddress:port} (port 0 picks a free one) for associations that call
     * {@code aeTitle}; at most {@code maxAssociations} are served at once, more are turned away.
     * PixelMed holds each association's thread for 5 s after the release (its ARTIM wait), so
     * a sender that opens one association per instance needs about 5 s × its rate of them.
     */
    public static StorageScp start(InetAddress bindAddress, int port, String aeTitle, int maxAssociations,
            CStoreHandler handler) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bindAddress, port));
        StorageScp scp = new StorageScp(serverSocket, aeTitle, maxAssociations, handler);
        scp.acceptor.start();
        return scp;
    }

    /** The port it listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
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
        try (socket) {
            socket.setTcpNoDelay(true);
            Association association = AssociationFactory.createNewAssociation(socket, aeTitle,
                    new AnyExplicitStorePresentationContextSelectionPolicy());
            String callingAeTitle = association.getCallingAETitle().trim();
            while (true) {
                request = new RequestHandler(callingAeTitle);
                association.setReceivedDataHandler(request);
                try {
                    association.waitForPDataPDUsUntilHandlerReportsDone();
                } catch (AReleaseException released) {
                    return;
                }
                association.send(request.presentationContextId, request.response, null);
                request = null;
            }
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
        }
    }

    /**
     * Collects one request message (command, then data set if any) and prepares its response.
     * PixelMed's request handler base has no public constructor; its response handler base
     * has, and its one method that matters, sendPDataIndication, is replaced here entirely.
     */
    private final class RequestHandler extends CompositeResponseHandler {

        private final String callingAeTitle;
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private byte presentationContextId;
        private byte[] response;
        private CStoreRequestCommandMessage store;
        private CStoreHandler.IncomingInstance incoming;
        private CStoreOutcome refusal;

        RequestHandler(String callingAeTitle) {
            this.callingAeTitle = callingAeTitle;
        }

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association association)
                throws DicomNetworkException, DicomException, IOException {
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
            byte[] part10Header;
            try {
                part10Header = part10Header(store.getAffectedSOPClassUID(), store.getAffectedSOPInstanceUID(),
                        transferSyntaxUid);
            } catch (DicomException e) {
                refusal = CStoreOutcome.cannotUnderstand("C-STORE command lacks SOP class or instance UID");
                return;
            }
            incoming = handler.begin(callingAeTitle);
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

        void abandon() {
            if (incoming != null) {
                incoming.abort();
                incoming = null;
            }
        }
    }

    // Preamble, "DICM" and file meta information, so that the instance is a Part-10 file. No
    // SourceApplicationEntityTitle: the same instance from two senders has the same bytes.
    private static byte[] part10Header(String sopClassUid, String sopInstanceUid, String transferSyntaxUid)
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
    private static byte[] storeResponse(CStoreRequestCommandMessage request, CStoreOutcome outcome)
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
