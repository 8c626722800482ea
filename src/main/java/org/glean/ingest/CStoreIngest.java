package org.glean.ingest;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.net.ssl.SSLContext;
import org.glean.persistence.DatabaseOutage;
import org.glean.dicom.CStoreHandler;
import org.glean.dicom.CallerAllowList;
import org.glean.dicom.CStoreOutcome;
import org.glean.dicom.DecodedImage;
import org.glean.dicom.DicomTls;
import org.glean.dicom.StorageScp;
import org.glean.security.Actor;
import org.glean.security.AuditAction;
import org.glean.security.AuditEntry;
import org.glean.security.AuditTrail;
import org.jboss.logging.Logger;

/**
 * Receives C-STORE pushes into the same path as gRPC: runs the {@link StorageScp} from
 * {@link ScpConfig} while the server runs and hands every instance to {@link IngestService} to
 * examine and to the {@link GroupCommit} that every front shares to store, so that the instances
 * of parallel associations are made durable together; each is answered once it is durable. The
 * frames decoded on receipt go to the study's scoring ({@link StudyFramesOnReceipt}), which ends
 * when the study's quiet period has passed. Refusals are answered with a C-STORE failure status
 * and the reason. The audit trail gets one row per association and study it stored into (one for
 * an association that stored nothing), written when it ends, and one per refused association; the
 * actor is the calling AE title.
 */
@ApplicationScoped
public class CStoreIngest implements CStoreHandler {

    private static final Logger LOG = Logger.getLogger(CStoreIngest.class);

    private final IngestService ingest;
    private final GroupCommit groups;
    private final StudyFramesOnReceipt frames;
    private final ScpConfig config;
    private final TlsConfigurationRegistry tlsRegistry;
    private final Vertx vertx;
    private final AuditTrail trail;
    private StorageScp scp;
    private StorageScp tlsScp;

    public CStoreIngest(IngestService ingest, GroupCommit groups, StudyFramesOnReceipt frames, ScpConfig config,
            TlsConfigurationRegistry tlsRegistry, Vertx vertx, AuditTrail trail) {
        this.ingest = ingest;
        this.groups = groups;
        this.frames = frames;
        this.config = config;
        this.tlsRegistry = tlsRegistry;
        this.vertx = vertx;
        this.trail = trail;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            return;
        }
        CallerAllowList callers = CallerAllowList.parse(config.allowedCallers());
        StorageScp.Admission admission = new StorageScp.Admission(callers, config.associationTimeout(),
                config.readTimeout());
        try {
            InetAddress bindAddress = InetAddress.getByName(config.bindAddress());
            scp = StorageScp.start(bindAddress, config.port(), config.aeTitle(), config.maxAssociations(), admission,
                    this);
            LOG.infof("DICOM C-STORE SCP %s listening on %s:%d, admitting callers %s", config.aeTitle(),
                    config.bindAddress(), scp.port(), callers);
            if (config.tls().port().isPresent()) {
                boolean mutual = config.tls().requireClientCertificate();
                tlsScp = StorageScp.startTls(serverTls(), mutual, bindAddress, config.tls().port().getAsInt(),
                        config.aeTitle(), config.maxAssociations(), admission, this);
                LOG.infof("DICOM TLS listening on %s:%d, %s", config.bindAddress(), tlsScp.port(),
                        mutual ? "callers present a certificate from " + config.tls().trustedCa()
                                : "no client certificate asked for");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for DICOM on " + config.bindAddress(), e);
        }
    }

    /** The server certificate of HTTPS and gRPC, trusting the configured CA for client certificates. */
    private SSLContext serverTls() {
        KeyCertOptions serverKeys = tlsRegistry.getDefault().map(TlsConfiguration::getKeyStoreOptions).orElse(null);
        if (serverKeys == null) {
            throw new IllegalStateException("glean.scp.tls.port needs the server certificate that HTTPS uses:"
                    + " set glean.tls.enabled=true (a local CA) or quarkus.tls.key-store.*");
        }
        try {
            return DicomTls.server(serverKeys.getKeyManagerFactory(vertx), config.tls().trustedCa());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("glean.scp.tls.trusted-ca: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set up DICOM TLS with the server certificate: " + e.getMessage(), e);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws IOException {
        if (scp != null) {
            scp.close();
        }
        if (tlsScp != null) {
            tlsScp.close();
        }
    }

    /** Takes no new associations and refuses C-STOREs that begin from now on; see {@link StorageScp#stopAccepting}. */
    public void stopAccepting() throws IOException {
        if (scp != null) {
            scp.stopAccepting();
        }
    }

    /** Waits until no C-STORE is in progress or the deadline passes; see {@link StorageScp#awaitIdle}. */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        return scp == null || scp.awaitIdle(deadline);
    }

    /** The port the SCP listens on; empty when glean.scp.enabled is false. */
    public OptionalInt port() {
        return scp == null ? OptionalInt.empty() : OptionalInt.of(scp.port());
    }

    /** The port of the DICOM TLS listener; empty without glean.scp.tls.port. */
    public OptionalInt tlsPort() {
        return tlsScp == null ? OptionalInt.empty() : OptionalInt.of(tlsScp.port());
    }

    @Override
    public Session associate(String callingAeTitle, InetSocketAddress peer) {
        return new Association(new Actor(callingAeTitle, Actor.address(peer)));
    }

    @Override
    public void refused(String callingAeTitle, InetSocketAddress peer) {
        try {
            trail.append(AuditEntry.of(new Actor(callingAeTitle.isBlank() ? "(blank AE title)" : callingAeTitle,
                            Actor.address(peer)), AuditAction.ASSOCIATION).outcome(AuditEntry.PERMISSION_DENIED)
                    .target("AE " + config.aeTitle())
                    .detail("A-ASSOCIATE-RJ: the caller is not admitted by glean.scp.allowed-callers"));
        } catch (RuntimeException e) {
            LOG.error("The audit row of a refused DICOM association could not be written", e);
        }
    }

    /** One association: what it stored, by study, for its rows in the audit trail. */
    private final class Association implements Session {

        private final Actor caller;
        // StudyInstanceUID (null: refused before its study was known) → instances stored, refused
        private final Map<String, int[]> counts = new LinkedHashMap<>();

        Association(Actor caller) {
            this.caller = caller;
        }

        @Override
        public IncomingInstance begin() throws IOException {
            return new Pushed("C-STORE from " + caller.name(), this);
        }

        void count(String studyInstanceUid, boolean stored) {
            counts.computeIfAbsent(studyInstanceUid, uid -> new int[2])[stored ? 0 : 1]++;
        }

        @Override
        public void ended() {
            List<AuditEntry> rows = new ArrayList<>();
            AuditEntry association = AuditEntry.of(caller, AuditAction.ASSOCIATION).target("AE " + config.aeTitle());
            counts.forEach((study, stored) -> rows.add(association.study(study)
                    .detail(stored[0] + " instance(s) stored, " + stored[1] + " refused")));
            if (rows.isEmpty()) {
                rows.add(association.detail("no instance sent"));
            }
            try {
                trail.append(rows);
            } catch (RuntimeException e) {
                LOG.errorf(e, "The audit rows of a DICOM association from %s could not be written", caller.peer());
            }
        }
    }

    private final class Pushed extends UploadingInstance {

        private final String origin;
        private final Association association;

        Pushed(String origin, Association association) throws IOException {
            super(ingest);
            this.origin = origin;
            this.association = association;
        }

        @Override
        protected CStoreOutcome completed(InstanceUpload upload) {
            try {
                association.count(groups.ingest(upload, origin, this::toStudyFrames).studyInstanceUid(), true);
                return CStoreOutcome.success();
            } catch (InvalidInstanceException e) {
                return refused(CStoreOutcome.cannotUnderstand(e.getMessage()));
            } catch (SizeLimitException e) {
                return refused(CStoreOutcome.outOfResources(e.getMessage()));
            } catch (IOException | RuntimeException e) {
                if (DatabaseOutage.isCause(e)) {
                    return refused(CStoreOutcome.outOfResources(DatabaseOutage.ADVICE));
                }
                LOG.errorf(e, "%s: storing failed", origin);
                association.count(null, false);
                return CStoreOutcome.processingFailure("Glean could not store the instance; try again later");
            }
        }

        // The association waits while the study's detector is behind: its sender is held back.
        private void toStudyFrames(String contentSha256, DecodedImage decoded) {
            frames.of(decoded.header().studyInstanceUid()).add(contentSha256, decoded).join();
        }

        @Override
        protected CStoreOutcome refused(CStoreOutcome outcome) {
            association.count(null, false);
            LOG.warnf("%s refused with status 0x%04X: %s", origin, outcome.status(), outcome.errorComment());
            return outcome;
        }
    }
}
