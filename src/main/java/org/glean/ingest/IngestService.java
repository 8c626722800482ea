package org.glean.ingest;

import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomHeader;
import org.glean.dicom.DicomReader;
import org.glean.dicom.DicomUid;
import org.glean.dicom.MalformedDicomException;
import org.glean.dicom.UnsupportedDicomException;
import org.glean.metrics.PipelineMetrics;
import org.glean.metrics.PipelineStage;
import org.glean.security.SameTransaction;
import org.glean.security.UidReference;
import org.jboss.logging.Logger;

/**
 * The one path every received instance takes, whether it came over gRPC or C-STORE: bytes to a
 * temporary file, validated and decoded once, then stored (file and records) or refused with
 * nothing left behind. Logs and refusals name instances by where they came from and by the
 * {@link UidReference} of their UIDs, never by patient data or a UID; refusals are logged by the
 * caller, which knows the whole context.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final DicomReader reader;
    private final InstanceStore store;
    private final StudyRepository repository;
    private final IngestConfig config;
    private final Event<StudyReceived> studyReceived;
    private final PipelineMetrics metrics;
    private final long minFreeBytes;

    /**
     * @param minFreeSpace the store's low-water mark, the same that readiness demands: below it
     *     an instance is refused before a byte of it is written, rather than failing half-way on a
     *     full disk
     */
    public IngestService(DicomReader reader, InstanceStore store, StudyRepository repository, IngestConfig config,
            Event<StudyReceived> studyReceived, PipelineMetrics metrics,
            @ConfigProperty(name = "glean.health.min-free-space") MemorySize minFreeSpace) {
        this.reader = reader;
        this.store = store;
        this.repository = repository;
        this.config = config;
        this.studyReceived = studyReceived;
        this.metrics = metrics;
        this.minFreeBytes = minFreeSpace.asLongValue();
    }

    /**
     * Starts receiving one instance; its size is bounded by glean.ingest.max-instance-size.
     *
     * @throws SizeLimitException when the store's file system has less usable space than
     *     glean.health.min-free-space; nothing is written then
     */
    public InstanceUpload newUpload() throws IOException, SizeLimitException {
        long usable = store.usableSpace();
        if (usable < minFreeBytes) {
            throw new SizeLimitException("the instance store has " + usable + " bytes free, below "
                    + "glean.health.min-free-space (" + minFreeBytes + " bytes), so Glean takes no instances and "
                    + "wrote nothing of this one; send it again once space is freed or added");
        }
        return store.newUpload(config.maxInstanceSize().asLongValue());
    }

    /**
     * Reads, validates, decodes and stores one received instance: {@link #examine}, then
     * {@link #storeAll} of that one instance. The upload is consumed: its bytes end in the store
     * or are deleted.
     */
    public StoredInstance ingest(InstanceUpload upload, String expectedStudyUid, String origin)
            throws InvalidInstanceException, SizeLimitException, IOException {
        return storeAll(List.of(examine(upload, expectedStudyUid, origin, FrameSink.NONE)), true).get(0)
                .storedOrThrow();
    }

    /** Takes the frames of an instance decoded on receipt, e.g. to the detector. */
    @FunctionalInterface
    public interface FrameSink {

        FrameSink NONE = (contentSha256, decoded) -> {
        };

        /**
         * @param contentSha256 the SHA-256 of the instance's bytes
         * @param decoded its header and frames in modality units
         */
        void accept(String contentSha256, DecodedImage decoded);
    }

    /**
     * Reads, validates and decodes one received instance (the CPU's part of ingest), without
     * storing it yet; an instance that is to be stored starts going to disk meanwhile. An
     * instance Glean cannot analyse (transfer syntax, SOP class, pixel format) is to be stored
     * as REJECTED with the reason. On failure the upload is deleted. The frames of an instance to
     * be stored as ACCEPTED go to {@code frames}, so that they need not be decoded again; the
     * returned instance holds its header only.
     *
     * @param expectedStudyUid the StudyInstanceUID the instance must have, or null for any
     * @param origin names the instance in logs, e.g. "instance_index 3"
     * @throws InvalidInstanceException the bytes are not well-formed DICOM, or the instance
     *     belongs to another study than expected
     */
    public ExaminedInstance examine(InstanceUpload upload, String expectedStudyUid, String origin, FrameSink frames)
            throws InvalidInstanceException {
        try {
            upload.finish();
            // The same bytes again were validated the first time; nothing to read. Only bytes the
            // store holds a file of can be stored, so most instances skip the database here.
            Optional<StoredInstance> sameBytes = store.holds(upload.contentSha256())
                    ? repository.findByContent(upload.contentSha256())
                    : Optional.empty();
            if (sameBytes.isPresent()) {
                requireStudy(expectedStudyUid, sameBytes.get().studyInstanceUid());
                LOG.debugf("%s: SOPInstanceUID %s is already stored", origin, sameBytes.get().sopInstanceUid());
                upload.discard();
                return ExaminedInstance.alreadyStored(sameBytes.get(), origin);
            }
            store.startFlush(upload);
            long start = System.nanoTime();
            Decoded decoded = decode(upload, origin);
            metrics.recordSince(PipelineStage.RECEIVE_DECODE, start);
            requireStudy(expectedStudyUid, decoded.examined().studyInstanceUid());
            if (decoded.image() != null) {
                frames.accept(upload.contentSha256(), decoded.image());
            }
            return decoded.examined();
        } catch (InvalidInstanceException | RuntimeException e) {
            upload.discard();
            throw e;
        }
    }

    /**
     * Stores examined instances as one group (the disk's part of ingest): their files in the
     * store, flushed together, then their records in one transaction, committed once the files
     * are on disk; only then is any of them stored. An instance refused by what is stored
     * already (its series in another study, its study past glean.ingest.max-study-size) leaves
     * nothing behind, and with {@code stopAtFirstRefusal} neither do the instances after it; the
     * ones before it are stored. Every upload is consumed.
     *
     * @return each instance's outcome, in order
     * @throws IOException when the store could not write; nothing of the group is recorded, or
     *     (rarely) a file that a recorded instance found in the store had gone and could not be
     *     placed again, so that the instance must not be acknowledged; sending it again restores it
     */
    public List<InstanceOutcome> storeAll(List<ExaminedInstance> group, boolean stopAtFirstRefusal)
            throws IOException {
        List<ExaminedInstance> toStore = group.stream().filter(examined -> examined.alreadyStoredAs() == null).toList();
        if (toStore.isEmpty()) {
            return inGroupOrder(group, List.of(), stopAtFirstRefusal);
        }
        long start = System.nanoTime();
        try {
            List<InstanceUpload> uploads = toStore.stream().map(ExaminedInstance::upload).toList();
            InstanceStore.Placement placement = store.placeAll(uploads);
            List<Boolean> newFiles = placement.newFiles();
            List<InstanceOutcome> recorded;
            try {
                recorded = repository.recordAll(toStore.stream().map(IngestService::received).toList(),
                        stopAtFirstRefusal, config.maxStudySize().asLongValue(), Instant.now(), placement.durable());
            } catch (RuntimeException e) {
                for (int i = 0; i < toStore.size(); i++) {
                    removeUnreferenced(newFiles.get(i), uploads.get(i).contentSha256());
                }
                throw e;
            }
            for (int i = 0; i < toStore.size(); i++) {
                afterRecording(toStore.get(i), recorded.get(i), newFiles.get(i));
            }
            return inGroupOrder(group, recorded, stopAtFirstRefusal);
        } finally {
            toStore.forEach(ExaminedInstance::discard);
            metrics.recordSince(PipelineStage.INSTANCE_STORE, start);
        }
    }

    /**
     * Marks a study complete after the call that carried it ended, with the call's audit row in
     * the same transaction, and tells observers. Nothing but the row is written for a study that
     * is already complete.
     */
    public void completeStudy(String studyInstanceUid, SameTransaction auditRow) {
        completeStudy(studyInstanceUid, StudyReceived.Completion.CALL_ENDED, auditRow);
    }

    /** Marks a study complete for the given reason, with its audit row, and tells observers; only the row for a complete study. */
    public void completeStudy(String studyInstanceUid, StudyReceived.Completion completion, SameTransaction auditRow) {
        if (repository.markComplete(studyInstanceUid, Instant.now(), auditRow)) {
            announce(new StudyReceived(studyInstanceUid, completion));
        }
    }

    /** Completes every study that received no instance for {@code quietPeriod}; returns how many. */
    public int completeQuietStudies(Duration quietPeriod) {
        Instant now = Instant.now();
        List<String> completed = repository.completeQuietSince(now.minus(quietPeriod), now);
        completed.forEach(uid -> announce(new StudyReceived(uid, StudyReceived.Completion.QUIET_PERIOD_PASSED)));
        return completed.size();
    }

    /**
     * The study as stored now.
     *
     * @throws IllegalArgumentException when the UID is not a valid DICOM UID
     */
    public StudyRecord study(String studyInstanceUid) throws StudyNotFoundException {
        if (!DicomUid.isValid(studyInstanceUid)) {
            throw new IllegalArgumentException("the StudyInstanceUID asked for is not a valid UID: a UID is digits "
                    + "and dots, at most 64 characters");
        }
        return repository.load(studyInstanceUid).orElseThrow(() -> new StudyNotFoundException(studyInstanceUid));
    }

    // The decoded image of an instance to analyse; null for one that is not.
    private record Decoded(ExaminedInstance examined, DecodedImage image) {
    }

    // decode() reads and checks the header too, so no separate header read is needed.
    private Decoded decode(InstanceUpload upload, String origin) throws InvalidInstanceException {
        try {
            DecodedImage image = reader.decode(upload.tempFile());
            requireStorable(image.header());
            return new Decoded(ExaminedInstance.toStore(upload, image.header(), Instance.Status.ACCEPTED, null, origin),
                    image);
        } catch (MalformedDicomException e) {
            throw new InvalidInstanceException(e.getMessage());
        } catch (UnsupportedDicomException e) {
            if (e.header() == null) {
                throw new InvalidInstanceException(e.getMessage());
            }
            requireStorable(e.header());
            LOG.infof("%s: SOPInstanceUID %s is stored but not analysed: %s", origin,
                    UidReference.of(e.header().sopInstanceUid()), e.getMessage());
            return new Decoded(ExaminedInstance.toStore(upload, e.header(), Instance.Status.REJECTED, e.getMessage(),
                    origin), null);
        }
    }

    private static StudyRepository.Received received(ExaminedInstance examined) {
        return new StudyRepository.Received(examined.header(), examined.status(), examined.rejectionReason(),
                examined.upload().contentSha256(), examined.upload().size());
    }

    // A file placed for an instance that was not stored goes again, unless a record names it. A
    // stored instance whose bytes the store held already still has them: the file it found may
    // have been an orphan that start-up reconciliation removed meanwhile. One whose record was
    // there but whose file was not (marked missing) has its file back.
    private void afterRecording(ExaminedInstance examined, InstanceOutcome outcome, boolean newFile)
            throws IOException {
        String contentSha256 = examined.upload().contentSha256();
        if (!outcome.isStored()) {
            removeUnreferenced(newFile, contentSha256);
            return;
        }
        StoredInstance stored = storedOf(outcome);
        if (stored.disposition() == StoredInstance.Disposition.CONFLICTING_COPY_DISCARDED) {
            removeUnreferenced(newFile, contentSha256);
            LOG.infof("%s: SOPInstanceUID %s is already stored with other bytes; the first copy is kept"
                    + " and this one discarded", examined.origin(), UidReference.of(stored.sopInstanceUid()));
            return;
        }
        boolean restored = newFile ? stored.disposition() == StoredInstance.Disposition.ALREADY_STORED
                : store.ensurePlaced(examined.upload());
        if (restored) {
            repository.markFilePresent(contentSha256);
        }
        LOG.debugf("%s: stored SOPInstanceUID %s (%s, %d bytes)", examined.origin(), stored.sopInstanceUid(),
                stored.status(), examined.upload().size());
    }

    // Instances found stored while examined come back stored, unless a refusal before them
    // ended the group.
    private static List<InstanceOutcome> inGroupOrder(List<ExaminedInstance> group, List<InstanceOutcome> recorded,
            boolean stopAtFirstRefusal) {
        List<InstanceOutcome> outcomes = new ArrayList<>(group.size());
        int next = 0;
        boolean refused = false;
        for (ExaminedInstance examined : group) {
            InstanceOutcome outcome = examined.alreadyStoredAs() != null
                    ? (refused && stopAtFirstRefusal ? InstanceOutcome.skipped()
                            : InstanceOutcome.stored(examined.alreadyStoredAs()))
                    : recorded.get(next++);
            refused |= !outcome.isStored() && !outcome.isSkipped();
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private static StoredInstance storedOf(InstanceOutcome outcome) {
        try {
            return outcome.storedOrThrow();
        } catch (InvalidInstanceException | SizeLimitException e) {
            throw new IllegalStateException("a stored outcome carries no refusal", e);
        }
    }

    private void removeUnreferenced(boolean newFile, String contentSha256) {
        if (newFile && !repository.isReferenced(contentSha256)) {
            store.remove(contentSha256);
        }
    }

    private void announce(StudyReceived event) {
        String study = UidReference.of(event.studyInstanceUid());
        LOG.infof("Study %s received completely (%s)", study, event.completion());
        try {
            studyReceived.fire(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "An observer of study %s failed; the study stays stored", study);
        }
    }

    private static void requireStudy(String expectedStudyUid, String studyInstanceUid) throws InvalidInstanceException {
        if (expectedStudyUid != null && !expectedStudyUid.equals(studyInstanceUid)) {
            throw new InvalidInstanceException("it belongs to study " + UidReference.of(studyInstanceUid)
                    + " but this call carries study " + UidReference.of(expectedStudyUid)
                    + "; send each study in a call of its own");
        }
    }

    // The reader validates these already; checked again because they become database keys.
    private static void requireStorable(DicomHeader header) throws InvalidInstanceException {
        requireUid("StudyInstanceUID", header.studyInstanceUid());
        requireUid("SeriesInstanceUID", header.seriesInstanceUid());
        requireUid("SOPInstanceUID", header.sopInstanceUid());
        requireUid("SOPClassUID", header.sopClassUid());
        requireUid("TransferSyntaxUID", header.transferSyntaxUid());
        String modality = header.modality();
        if (modality == null || modality.length() > 16 || !modality.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new InvalidInstanceException("Modality (0008,0060) is not a code string of at most 16 characters");
        }
    }

    private static void requireUid(String name, String uid) throws InvalidInstanceException {
        if (!DicomUid.isValid(uid)) {
            // the value is not echoed: whatever a sender put there may identify someone
            throw new InvalidInstanceException(name + " is not a valid UID: digits and dots, at most 64 characters");
        }
    }
}
