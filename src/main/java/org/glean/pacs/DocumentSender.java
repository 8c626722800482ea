package org.glean.pacs;

import java.io.IOException;
import org.glean.dicom.CStoreClient;

/** Hands a document to one destination: STOW-RS or C-STORE. */
interface DocumentSender {

    /**
     * Delivers the Part-10 bytes; returns once the destination has accepted them.
     *
     * @throws IOException when it did not; the message says why, without patient data
     */
    void send(byte[] part10) throws IOException, InterruptedException;

    /** Where it sends, for the log: host and port, never a path. */
    String describe();

    /**
     * The sender a destination's settings describe.
     *
     * @throws IllegalArgumentException when they name neither or both of a URL and a host, or are incomplete
     */
    static DocumentSender of(String name, PacsConfig.Destination destination) {
        String prefix = "glean.pacs.destinations." + name + ": ";
        try {
            if (destination.overDicomWeb()) {
                DicomWebEndpoint endpoint = destination.endpoint(destination.url().get());
                HttpDicomWebClient client = new HttpDicomWebClient(endpoint);
                return new DocumentSender() {
                    @Override
                    public void send(byte[] part10) throws IOException, InterruptedException {
                        client.store(part10);
                    }

                    @Override
                    public String describe() {
                        return "STOW-RS at " + endpoint.origin();
                    }
                };
            }
            CStoreClient client = new CStoreClient(destination.dimsePeer());
            return new DocumentSender() {
                @Override
                public void send(byte[] part10) throws IOException {
                    client.store(part10);
                }

                @Override
                public String describe() {
                    return "C-STORE to " + client.describe();
                }
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }
}
