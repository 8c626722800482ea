package org.glean.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CGetRequestCommandMessage;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MoveSOPClassSCU;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.network.SCUSCPRoleSelection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;

/**
 * Finds studies on a PACS with C-FIND and retrieves them with C-MOVE or C-GET (Study Root
 * Query/Retrieve Information Model, PS3.4 Annex C), over PixelMed's association layer. C-FIND
 * uses PixelMed's FindSOPClassSCU; the C-MOVE is sent here, on an association PixelMed's
 * MoveSOPClassSCU negotiates, because MoveSOPClassSCU keeps the final response's sub-operation
 * counts to itself; the C-GET is Glean's own, to stream each instance to a receiver as it arrives
 * (PixelMed's GetSOPClassSCU writes files).
 *
 * <p>No wait is unbounded: the PACS must answer the association request, and then every request,
 * with its next message within the peer's request timeout, or the association is aborted and the
 * call fails saying so. PixelMed has no such timeout; it is set here on its association's socket.
 *
 * @param peer the PACS (its query/retrieve SCP)
 */
public record QueryRetrieveScu(DimsePeer peer) {

    private static final String FIND = SOPClass.StudyRootQueryRetrieveInformationModelFind;
    private static final String MOVE = SOPClass.StudyRootQueryRetrieveInformationModelMove;
    private static final String GET = SOPClass.StudyRootQueryRetrieveInformationModelGet;
    private static final int C_STORE_RQ = 0x0001;
    private static final int C_GET_RSP = 0x8010;
    private static final int PENDING = 0xFF00;
    private static final int PENDING_WITH_WARNING = 0xFF01;
    private static final int SUCCESS = 0x0000;
    private static final int SUB_OPERATIONS_WITH_FAILURES = 0xB000;
    private static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    private static final int CANCELLED = 0xFE00;
    private static final int NO_DATA_SET = 0x0101;
    // A PACS may send each instance only in a transfer syntax accepted for its SOP class, one per
    // presentation context, and there are at most 128 contexts: so one context per image storage
    // SOP class, uncompressed, which the PACS converts instances it holds compressed to.
    private static final LinkedList<String> GET_TRANSFER_SYNTAXES = new LinkedList<>(List.of(
            TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian));

    /**
     * One study a C-FIND found.
     *
     * @param studyDate     as the PACS holds it (YYYYMMDD), or empty
     * @param modalities    ModalitiesInStudy, possibly empty
     * @param instanceCount NumberOfStudyRelatedInstances, or -1 when the PACS did not say
     */
    public record FoundStudy(String studyInstanceUid, String studyDate, List<String> modalities, int instanceCount) {
    }

    /**
     * The final response of a C-MOVE or C-GET (PS3.4 C.4.2.1.5, C.4.3.1.4): its status and the
     * counts of its C-STORE sub-operations.
     */
    public record RetrieveOutcome(int status, int completed, int failed, int warnings) {

        /** Whether the PACS performed the retrieve: success, or sub-operations some of which failed (B000). */
        public boolean performed() {
            return status == SUCCESS || status == SUB_OPERATIONS_WITH_FAILURES;
        }

        /** Whether the PACS performed it and some sub-operations failed: the rest of the study arrived. */
        public boolean partial() {
            return performed() && (status == SUB_OPERATIONS_WITH_FAILURES || failed > 0);
        }

        /** Status and counts, for logs and the audit trail. */
        public String describe() {
            return String.format("status 0x%04X, %d sub-operations completed, %d failed, %d with warnings", status,
                    completed, failed, warnings);
        }
    }

    /**
     * The studies matching the keys (each empty one matches all): a STUDY-level C-FIND on
     * ModalitiesInStudy, StudyDate (a date or a range {@code FROM-TO}) and StudyDescription,
     * then, with a station name, a SERIES-level C-FIND per study on StationName (a series
     * attribute) that keeps the studies with a matching series. One association for all of it.
     *
     * @throws DimseException when the PACS cannot be reached, refuses, or answers with a failure
     */
    public List<FoundStudy> findStudies(Optional<String> modality, Optional<String> studyDate,
            Optional<String> stationName, Optional<String> studyDescription) throws DimseException {
        peer.requireReachable();
        Association association = TimedAssociation.open(peer, "C-FIND", () -> MoveSOPClassSCU.getSuitableAssociation(
                peer.host(), peer.port(), peer.calledAeTitle(), peer.callingAeTitle(), FIND));
        try {
            List<FoundStudy> found = new ArrayList<>();
            find(association, studyKeys(modality, studyDate, studyDescription), identifier -> found.add(new FoundStudy(
                    Attribute.getSingleStringValueOrEmptyString(identifier, TagFromName.StudyInstanceUID),
                    Attribute.getSingleStringValueOrEmptyString(identifier, TagFromName.StudyDate),
                    Arrays.asList(Attribute.getStringValues(identifier, TagFromName.ModalitiesInStudy) == null
                            ? new String[0] : Attribute.getStringValues(identifier, TagFromName.ModalitiesInStudy)),
                    Attribute.getSingleIntegerValueOrDefault(identifier, TagFromName.NumberOfStudyRelatedInstances,
                            -1))));
            found.removeIf(study -> !DicomUid.isValid(study.studyInstanceUid()));
            List<FoundStudy> matching = found;
            if (stationName.filter(value -> !value.isBlank()).isPresent()) {
                matching = new ArrayList<>();
                for (FoundStudy study : found) {
                    boolean[] any = {false};
                    find(association, seriesKeys(study.studyInstanceUid(), stationName.get()), series -> any[0] = true);
                    if (any[0]) {
                        matching.add(study);
                    }
                }
            }
            release(association);
            return matching;
        } catch (DimseException | RuntimeException e) {
            TimedAssociation.abort(association);
            throw e;
        }
    }

    /**
     * Asks the PACS to send every instance of a study to {@code destinationAeTitle} (C-MOVE) and
     * waits for its final response. The PACS sends them with C-STORE to the AE it knows by that
     * title, in sub-operations that end before the final response.
     *
     * @return the final response, whatever its status
     * @throws DimseException when the PACS cannot be reached, refuses the association, breaks it
     *     off or stays silent longer than the request timeout
     */
    public RetrieveOutcome moveStudy(String studyInstanceUid, String destinationAeTitle) throws DimseException {
        DimsePeer.requireAeTitle("move destination", destinationAeTitle);
        peer.requireReachable();
        Association association = TimedAssociation.open(peer, "C-MOVE", () -> MoveSOPClassSCU.getSuitableAssociation(
                peer.host(), peer.port(), peer.calledAeTitle(), peer.callingAeTitle(), MOVE));
        try {
            byte context = association.getSuitablePresentationContextID(MOVE);
            return retrieve(association, context, new CMoveRequestCommandMessage(MOVE, destinationAeTitle).getBytes(),
                    studyInstanceUid, new MoveResponses());
        } catch (DicomNetworkException | DicomException | IOException | AReleaseException e) {
            TimedAssociation.abort(association);
            throw TimedAssociation.failed(peer, "C-MOVE", e);
        }
    }

    /**
     * Retrieves every instance of a study with C-GET: the PACS sends them as C-STORE
     * sub-operations on the same association, each streamed to an instance of {@code receiver}
     * and answered with the status it gives, before the final response. The PACS needs no
     * address of Glean's. An instance half-received when the association ends is aborted.
     *
     * @return the final response, whatever its status
     * @throws DimseException when the PACS cannot be reached, refuses the association or C-GET,
     *     breaks it off or stays silent longer than the request timeout
     */
    public RetrieveOutcome getStudy(String studyInstanceUid, CStoreHandler.Session receiver) throws DimseException {
        peer.requireReachable();
        Association association = TimedAssociation.open(peer, "C-GET", () -> AssociationFactory.createNewAssociation(
                peer.host(), peer.port(), peer.calledAeTitle(), peer.callingAeTitle(), getPresentationContexts(),
                storageRoles(), false));
        byte context = getContext(association);
        GetResponses responses = new GetResponses(receiver);
        try {
            return retrieve(association, context, new CGetRequestCommandMessage(GET).getBytes(), studyInstanceUid,
                    responses);
        } catch (DicomNetworkException | DicomException | IOException | AReleaseException e) {
            TimedAssociation.abort(association);
            throw TimedAssociation.failed(peer, "C-GET", e);
        } finally {
            responses.abandon();
            receiver.ended();
        }
    }

    private byte getContext(Association association) throws DimseException {
        try {
            return association.getSuitablePresentationContextID(GET);
        } catch (DicomNetworkException e) {
            TimedAssociation.abort(association);
            throw new DimseException(peer.describe() + " does not offer C-GET (Study Root Query/Retrieve): use"
                    + " C-MOVE with it, or allow C-GET there", e);
        }
    }

    /** Why a move the PACS did not perform failed, and what to do, for a person. */
    public static String explain(RetrieveOutcome outcome, String destinationAeTitle) {
        String knowGlean = "add Glean to its DICOM nodes with AE title '" + destinationAeTitle
                + "' and Glean's DICOM host and port";
        return switch (outcome.status()) {
            case MOVE_DESTINATION_UNKNOWN -> "the PACS does not know the move destination '" + destinationAeTitle
                    + "' (" + outcome.describe() + "): " + knowGlean;
            case CANCELLED -> "the PACS cancelled the C-MOVE (" + outcome.describe() + ")";
            // Orthanc, for one, answers an unknown move destination with C000 (unable to process).
            default -> "the PACS answered the C-MOVE with a failure (" + outcome.describe() + "); its log says why."
                    + " If it does not know the move destination '" + destinationAeTitle + "': " + knowGlean;
        };
    }

    /** Why a C-GET the PACS did not perform failed, and what to do, for a person. */
    public static String explainGet(RetrieveOutcome outcome, String callingAeTitle) {
        return outcome.status() == CANCELLED ? "the PACS cancelled the C-GET (" + outcome.describe() + ")"
                : "the PACS answered the C-GET with a failure (" + outcome.describe() + "); its log says why."
                        + " It must allow AE title '" + callingAeTitle + "' to retrieve with C-GET (Orthanc:"
                        + " the AllowGet of its DICOM node), and hold every instance of the study readable";
    }

    // The C-GET's own context and, with the PACS in the SCP role, one per image storage SOP class.
    private static LinkedList<PresentationContext> getPresentationContexts() {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, GET, GET_TRANSFER_SYNTAXES));
        byte id = 3;
        for (String sopClass : imageStorageSopClasses()) {
            contexts.add(new PresentationContext(id, sopClass, GET_TRANSFER_SYNTAXES));
            id += 2;
        }
        return contexts;
    }

    private static LinkedList<SCUSCPRoleSelection> storageRoles() {
        LinkedList<SCUSCPRoleSelection> roles = new LinkedList<>();
        for (String sopClass : imageStorageSopClasses()) {
            roles.add(new SCUSCPRoleSelection(sopClass, false, true));
        }
        return roles;
    }

    private static List<String> imageStorageSopClasses() {
        return Arrays.stream(SOPClass.arrayOfStorageSOPClasses).filter(SOPClass::isImageStorage).limit(127).toList();
    }

    private void find(Association association, AttributeList keys, IdentifierConsumer each) throws DimseException {
        try {
            new FindSOPClassSCU(association, FIND, keys, new IdentifierHandler() {
                @Override
                public void doSomethingWithIdentifier(AttributeList identifier) {
                    each.accept(identifier);
                }
            });
        } catch (DicomNetworkException | DicomException | IOException e) {
            throw TimedAssociation.timedOut(e) ? TimedAssociation.silent(peer, "C-FIND", e)
                    : new DimseException("C-FIND at " + peer.describe() + " failed: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface IdentifierConsumer {
        void accept(AttributeList identifier);
    }

    private static AttributeList studyKeys(Optional<String> modality, Optional<String> studyDate,
            Optional<String> studyDescription) {
        AttributeList keys = new AttributeList();
        put(keys, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), "STUDY");
        put(keys, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), null);
        put(keys, new DateAttribute(TagFromName.StudyDate), studyDate.orElse(null));
        put(keys, new CodeStringAttribute(TagFromName.ModalitiesInStudy), modality.orElse(null));
        put(keys, new LongStringAttribute(TagFromName.StudyDescription), studyDescription.orElse(null));
        put(keys, new IntegerStringAttribute(TagFromName.NumberOfStudyRelatedInstances), null);
        return keys;
    }

    private static AttributeList studyIdentifier(String studyInstanceUid) {
        AttributeList identifier = new AttributeList();
        put(identifier, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), "STUDY");
        put(identifier, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyInstanceUid);
        return identifier;
    }

    private static AttributeList seriesKeys(String studyInstanceUid, String stationName) {
        AttributeList keys = new AttributeList();
        put(keys, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), "SERIES");
        put(keys, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyInstanceUid);
        put(keys, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), null);
        put(keys, new ShortStringAttribute(TagFromName.StationName), stationName);
        return keys;
    }

    // A key with a value matches it; an empty one matches all and asks for the PACS's value.
    private static void put(AttributeList keys, Attribute attribute, String value) {
        try {
            if (value != null && !value.isBlank()) {
                attribute.addValue(value);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot use '" + value + "' as " + attribute.getTag() + ": "
                    + e.getMessage(), e);
        }
        keys.put(attribute);
    }

    // The data set alone, in the negotiated transfer syntax, as a DIMSE message carries it.
    private static byte[] encode(AttributeList identifier, String transferSyntaxUid)
            throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, transferSyntaxUid);
        identifier.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    // A count a response leaves out keeps its value from the one before.
    private static int count(AttributeList command, AttributeTag tag, int before) {
        return Attribute.getSingleIntegerValueOrDefault(command, tag, before);
    }

    private static void release(Association association) throws DimseException {
        try {
            association.release();
        } catch (DicomNetworkException e) {
            throw new DimseException("the association did not end properly (" + e.getMessage() + ")", e);
        }
    }

    // Sends a C-MOVE or C-GET request for the study, waits for the final response and releases.
    private static RetrieveOutcome retrieve(Association association, byte context, byte[] request,
            String studyInstanceUid, RetrieveResponses responses)
            throws DicomNetworkException, DicomException, IOException, AReleaseException {
        association.setReceivedDataHandler(responses);
        association.send(context, request, null);
        association.send(context, null, encode(studyIdentifier(studyInstanceUid),
                association.getTransferSyntaxForPresentationContextID(context)));
        association.waitForPDataPDUsUntilHandlerReportsDone();
        release(association);
        return new RetrieveOutcome(responses.getStatus(), responses.completed, responses.failed, responses.warnings);
    }

    /** The final status and the sub-operation counts of a C-MOVE or C-GET, as its responses give them. */
    private abstract static class RetrieveResponses extends CompositeResponseHandler {

        int completed;
        int failed;
        int warnings;

        // Takes a response's status and counts; true when it is the final one.
        boolean takeResponse(AttributeList command) {
            status = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, 0xFFFF);
            completed = count(command, TagFromName.NumberOfCompletedSuboperations, completed);
            failed = count(command, TagFromName.NumberOfFailedSuboperations, failed);
            warnings = count(command, TagFromName.NumberOfWarningSuboperations, warnings);
            return status != PENDING && status != PENDING_WITH_WARNING;
        }
    }

    /**
     * The C-MOVE responses: pending ones carry progress, the final one the status and counts.
     * A final response may carry a data set (the Failed SOP Instance UID List), read and dropped.
     */
    private static final class MoveResponses extends RetrieveResponses {

        MoveResponses() {
            allowData = true;
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList command) {
            boolean isFinal = takeResponse(command);
            success = status == SUCCESS;
            if (isFinal && Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandDataSetType,
                    NO_DATA_SET) == NO_DATA_SET) {
                setDone(true);
            }
        }

        @Override
        protected void makeUseOfDataSet(AttributeList dataSet) {
            if (status != PENDING && status != PENDING_WITH_WARNING) {
                setDone(true);
            }
        }
    }

    /**
     * What arrives on a C-GET's association: the C-STORE sub-operations, each streamed to an
     * instance of the receiver and answered with its status, and the C-GET responses, pending
     * ones with progress and the final one with the status and counts. A final response's data
     * set (the Failed SOP Instance UID List) is read and dropped. PixelMed's response handler
     * base is used for its command parsing only; sendPDataIndication is replaced entirely.
     */
    private static final class GetResponses extends RetrieveResponses {

        private final CStoreHandler.Session receiver;
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private boolean finalResponse;
        // The C-STORE sub-operation being received, its context, and the instance it goes to.
        private CStoreRequestCommandMessage store;
        private byte storeContext;
        private CStoreHandler.IncomingInstance incoming;
        private CStoreOutcome refusal;

        GetResponses(CStoreHandler.Session receiver) {
            this.receiver = receiver;
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
                        AttributeList list = getAttributeListFromCommandOrData(command.toByteArray(),
                                TransferSyntax.ImplicitVRLittleEndian);
                        command.reset();
                        onCommand(list, value.getPresentationContextID(), association);
                    }
                } else if (store != null) {
                    onStoreData(value, association);
                } else if (finalResponse && value.isLastFragment()) {
                    setDone(true);
                }
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // Only sendPDataIndication is used.
        }

        private void onCommand(AttributeList list, byte context, Association association)
                throws DicomNetworkException, DicomException, IOException {
            int commandField = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, -1);
            boolean withDataSet = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandDataSetType,
                    NO_DATA_SET) != NO_DATA_SET;
            if (commandField == C_STORE_RQ) {
                store = new CStoreRequestCommandMessage(list);
                storeContext = context;
                if (!withDataSet) {
                    respond(CStoreOutcome.cannotUnderstand("C-STORE request without a data set"), association);
                    return;
                }
                begin(association.getTransferSyntaxForPresentationContextID(context));
            } else if (commandField == C_GET_RSP) {
                finalResponse = takeResponse(list);
                if (finalResponse && !withDataSet) {
                    setDone(true);
                }
            } else {
                throw new DicomNetworkException("unexpected DIMSE command 0x" + Integer.toHexString(commandField)
                        + " during a C-GET");
            }
        }

        private void begin(String transferSyntaxUid) {
            try {
                incoming = receiver.begin();
                incoming.append(ByteBuffer.wrap(StorageScp.part10Header(store.getAffectedSOPClassUID(),
                        store.getAffectedSOPInstanceUID(), transferSyntaxUid)));
            } catch (DicomException e) {
                drop(CStoreOutcome.cannotUnderstand("C-STORE command lacks SOP class or instance UID"));
            } catch (IOException e) {
                drop(CStoreOutcome.processingFailure("Glean could not take the instance; try again later"));
            }
        }

        private void onStoreData(PresentationDataValue value, Association association)
                throws DicomNetworkException, DicomException, IOException {
            if (incoming != null) {
                try {
                    incoming.append(ByteBuffer.wrap(value.getValue()));
                } catch (IOException e) {
                    drop(CStoreOutcome.processingFailure("Glean could not take the instance; try again later"));
                }
            }
            if (value.isLastFragment()) {
                CStoreOutcome outcome = refusal != null ? refusal : incoming.complete();
                incoming = null;
                respond(outcome, association);
            }
        }

        // The rest of the instance is read off the wire and dropped; the sub-operation fails with outcome.
        private void drop(CStoreOutcome outcome) {
            abandon();
            refusal = outcome;
        }

        private void respond(CStoreOutcome outcome, Association association)
                throws DicomNetworkException, DicomException, IOException {
            association.send(storeContext, StorageScp.storeResponse(store, outcome), null);
            store = null;
            refusal = null;
        }

        void abandon() {
            if (incoming != null) {
                incoming.abort();
                incoming = null;
            }
        }
    }
}
