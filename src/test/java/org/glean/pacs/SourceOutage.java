package org.glean.pacs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

/** A source's PACS down: the poller keeps retrying it with backoff, and works again once it is back. */
final class SourceOutage {

    /** Brings the PACS back. */
    @FunctionalInterface
    interface Restart {
        void run() throws Exception;
    }

    private SourceOutage() {
    }

    /**
     * With the source's PACS down and its backoff short (200 ms to 1 s), checks that it fails
     * pass after pass, then brings it back and waits until a pass has worked again.
     */
    static void assertRetriedUntilBack(SourcePoller poller, String source, Restart bringBack) throws Exception {
        Thread.sleep(1500); // several backoff rounds while the PACS is down
        SourcePoller.SourceStatus down = poller.status(source);
        assertThat(down.failing()).isTrue();
        assertThat(down.failuresInARow()).isGreaterThan(1);

        bringBack.run();
        Instant deadline = Instant.now().plusSeconds(60);
        while (poller.status(source).failing() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(poller.status(source).failing()).isFalse();
    }
}
