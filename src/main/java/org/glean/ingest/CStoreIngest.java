package org.glean.ingest;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.OptionalInt;
import org.glean.dicom.CStoreHandler;
import org.glean.dicom.CallerAllowList;
import org.glean.dicom.CStoreOutcome;
import org.glean.dicom.StorageScp;
import org.jboss.logging.Logger;

/**
 * Receives C-STORE pushes into the same path as gRPC: runs the {@link StorageScp} from
 * {@link ScpConfig} while the server runs and hands every instance to {@link IngestService},
 * answering refusals with a C-STORE failure status and the reason.
 */
@ApplicationScoped
public class CStoreIngest implements CStoreHandler {

    private static final Logger LOG = Logger.getLogger(CStoreIngest.class);

    private final IngestService ingest;
    private final ScpConfig config;
    private StorageScp scp;

    public CStoreIngest(IngestService ingest, ScpConfig config) {
        this.ingest = ingest;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled()) {
            return;
        }
        CallerAllowList callers = CallerAllowList.parse(config.allowedCallers());
        try {
            scp = StorageScp.start(InetAddress.getByName(config.bindAddress()), config.port(), config.aeTitle(),
                    config.maxAssociations(),
                    new StorageScp.Admission(callers, config.associationTimeout(), config.readTimeout()), this);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for DICOM on " + config.bindAddress() + ":" + config.port(), e);
        }
        LOG.infof("DICOM C-STORE SCP %s listening on %s:%d, admitting callers %s", config.aeTitle(),
                config.bindAddress(), scp.port(), callers);
    }

    void stop(@Observes ShutdownEvent shutdown) throws IOException {
        if (scp != null) {
            scp.close();
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

    @Override
    public IncomingInstance begin(String callingAeTitle) throws IOException {
        return new Pushed(ingest.newUpload(), "C-STORE from " + callingAeTitle);
    }

    private final class Pushed implements IncomingInstance {

        private final InstanceUpload upload;
        private final String origin;
        private SizeLimitException overflow;

        Pushed(InstanceUpload upload, String origin) {
            this.upload = upload;
            this.origin = origin;
        }

        @Override
        public void append(ByteBuffer bytes) throws IOException {
            if (overflow != null) {
                return; // the rest of an oversized data set is read off the wire and dropped
            }
            try {
                upload.write(bytes);
            } catch (SizeLimitException e) {
                overflow = e;
                upload.discard();
            }
        }

        @Override
        public CStoreOutcome complete() {
            if (overflow != null) {
                return refused(CStoreOutcome.outOfResources(overflow.getMessage()));
            }
            try {
                ingest.ingest(upload, null, origin);
                return CStoreOutcome.success();
            } catch (InvalidInstanceException e) {
                return refused(CStoreOutcome.cannotUnderstand(e.getMessage()));
            } catch (SizeLimitException e) {
                return refused(CStoreOutcome.outOfResources(e.getMessage()));
            } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "%s: storing failed", origin);
                return CStoreOutcome.processingFailure("Glean could not store the instance; try again later");
            }
        }

        private CStoreOutcome refused(CStoreOutcome outcome) {
            LOG.warnf("%s refused with status 0x%04X: %s", origin, outcome.status(), outcome.errorComment());
            return outcome;
        }

        @Override
        public void abort() {
            upload.discard();
        }
    }
}
