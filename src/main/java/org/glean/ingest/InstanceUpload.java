package org.glean.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One instance being received: its bytes go straight to a temporary file beside the store while
 * they are hashed and counted, so that memory holds no more than the piece in hand. Created by
 * {@link InstanceStore#newUpload}; either {@link InstanceStore#place placed} or
 * {@link #discard discarded}.
 */
public final class InstanceUpload implements AutoCloseable {

    private final Path tempFile;
    private final FileChannel channel;
    private final MessageDigest sha256;
    private final long maxBytes;
    private long size;
    private String contentSha256;

    InstanceUpload(Path tempFile, long maxBytes) throws IOException {
        this.tempFile = tempFile;
        this.channel = FileChannel.open(tempFile, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.maxBytes = maxBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Appends the buffer's remaining bytes.
     *
     * @throws SizeLimitException when the instance would exceed the maximum instance size; the
     *     bytes are not written
     */
    public void write(ByteBuffer bytes) throws IOException, SizeLimitException {
        if (contentSha256 != null) {
            throw new IllegalStateException("the upload is already finished");
        }
        if (size + bytes.remaining() > maxBytes) {
            throw new SizeLimitException("the instance is larger than glean.ingest.max-instance-size = "
                    + maxBytes + " bytes");
        }
        size += bytes.remaining();
        sha256.update(bytes.duplicate());
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Bytes written so far. */
    public long size() {
        return size;
    }

    /** Fixes the content hash; no more writes after this. */
    void finish() {
        if (contentSha256 == null) {
            contentSha256 = HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** Puts the bytes on disk, only for an upload that is kept, and closes the file. */
    void flushToDisk() throws IOException {
        channel.force(true);
        channel.close();
    }

    /** SHA-256 of the bytes, lower-case hex; only after {@link #finish}. */
    String contentSha256() {
        if (contentSha256 == null) {
            throw new IllegalStateException("the upload is not finished");
        }
        return contentSha256;
    }

    Path tempFile() {
        return tempFile;
    }

    /** Deletes the temporary file; harmless after the file was placed in the store. */
    public void discard() {
        try {
            channel.close();
            Files.deleteIfExists(tempFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary upload " + tempFile, e);
        }
    }

    @Override
    public void close() {
        discard();
    }
}
