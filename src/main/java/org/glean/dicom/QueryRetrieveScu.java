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
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MoveSOPClassSCU;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds studies on a PACS with C-FIND and has it send them with C-MOVE (Study Root
 * Query/Retrieve Information Model, PS3.4 Annex C), over PixelMed's association layer. C-FIND
 * uses PixelMed's FindSOPClassSCU; the C-MOVE is sent here, on an association PixelMed's
 * MoveSOPClassSCU negotiates, because MoveSOPClassSCU keeps the final response's sub-operation
 * counts to itself.
 *
 * @param peer the PACS (its query/retrieve SCP)
 */
public record QueryRetrieveScu(DimsePeer peer) {

    private static final String FIND = SOPClass.StudyRootQueryRetrieveInformationModelFind;
    private static final String MOVE = SOPClass.StudyRootQueryRetrieveInformationModelMove;
    private static final int PENDING = 0xFF00;
    private static final int PENDING_WITH_WARNING = 0xFF01;
    private static final int SUCCESS = 0x0000;
    private static final int SUB_OPERATIONS_WITH_FAILURES = 0xB000;
    private static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    private static final int CANCELLED = 0xFE00;
    private static final int NO_DATA_SET = 0x0101;

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
     * The final response of a C-MOVE (PS3.4 C.4.2.1.5): its status and the counts of its
     * C-STORE sub-operations.
     */
    public record MoveOutcome(int status, int completed, int failed, int warnings) {

        /** Whether the PACS performed the move: success, or sub-operations some of which failed (B000). */
        public boolean performed() {
            return status == SUCCESS || status == SUB_OPERATIONS_WITH_FAILURES;
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
        Association association = associate(FIND, "C-FIND");
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
            abort(association);
            throw e;
        }
    }

    /**
     * Asks the PACS to send every instance of a study to {@code destinationAeTitle} (C-MOVE) and
     * waits for its final response. The PACS sends them with C-STORE to the AE it knows by that
     * title, in sub-operations that end before the final response.
     *
     * @return the final response, whatever its status
     * @throws DimseException when the PACS cannot be reached, refuses the association or breaks it off
     */
    public MoveOutcome moveStudy(String studyInstanceUid, String destinationAeTitle) throws DimseException {
        DimsePeer.requireAeTitle("move destination", destinationAeTitle);
        peer.requireReachable();
        Association association = associate(MOVE, "C-MOVE");
        try {
            AttributeList identifier = new AttributeList();
            put(identifier, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), "STUDY");
            put(identifier, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyInstanceUid);
            byte context = association.getSuitablePresentationContextID(MOVE);
            MoveResponses responses = new MoveResponses();
            association.setReceivedDataHandler(responses);
            association.send(context, new CMoveRequestCommandMessage(MOVE, destinationAeTitle).getBytes(), null);
            association.send(context, null, encode(identifier,
                    association.getTransferSyntaxForPresentationContextID(context)));
            association.waitForPDataPDUsUntilHandlerReportsDone();
            release(association);
            return new MoveOutcome(responses.getStatus(), responses.completed, responses.failed, responses.warnings);
        } catch (DicomNetworkException | DicomException | IOException | AReleaseException e) {
            abort(association);
            throw new DimseException("C-MOVE at " + peer.describe() + " broke off (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    /** Why a move the PACS did not perform failed, and what to do, for a person. */
    public static String explain(MoveOutcome outcome, String destinationAeTitle) {
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

    private Association associate(String sopClass, String what) throws DimseException {
        try {
            return MoveSOPClassSCU.getSuitableAssociation(peer.host(), peer.port(), peer.calledAeTitle(),
                    peer.callingAeTitle(), sopClass);
        } catch (DicomNetworkException | DicomException | IOException e) {
            throw new DimseException(peer.describe() + " refused the " + what + " association (" + e.getMessage()
                    + "); check the AE titles, and that the PACS knows Glean's calling AE title '"
                    + peer.callingAeTitle() + "'", e);
        }
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
            throw new DimseException("C-FIND at " + peer.describe() + " failed: " + e.getMessage(), e);
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

    private static void release(Association association) throws DimseException {
        try {
            association.release();
        } catch (DicomNetworkException e) {
            throw new DimseException("the association did not end properly (" + e.getMessage() + ")", e);
        }
    }

    private static void abort(Association association) {
        try {
            association.abort();
        } catch (DicomNetworkException | RuntimeException ignored) {
            // already broken: nothing left to end
        }
    }

    /**
     * The C-MOVE responses: pending ones carry progress, the final one the status and counts.
     * A final response may carry a data set (the Failed SOP Instance UID List), read and dropped.
     */
    private static final class MoveResponses extends CompositeResponseHandler {

        private int completed;
        private int failed;
        private int warnings;

        MoveResponses() {
            allowData = true;
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList command) {
            status = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, 0xFFFF);
            completed = count(command, TagFromName.NumberOfCompletedSuboperations, completed);
            failed = count(command, TagFromName.NumberOfFailedSuboperations, failed);
            warnings = count(command, TagFromName.NumberOfWarningSuboperations, warnings);
            success = status == SUCCESS;
            boolean isFinal = status != PENDING && status != PENDING_WITH_WARNING;
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

        private static int count(AttributeList command, AttributeTag tag, int before) {
            return Attribute.getSingleIntegerValueOrDefault(command, tag, before);
        }
    }
}
