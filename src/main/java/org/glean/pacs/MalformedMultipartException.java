package org.glean.pacs;

import java.io.IOException;

/** A multipart body that does not follow RFC 2046: the PACS sent something other than it announced. */
public class MalformedMultipartException extends IOException {

    public MalformedMultipartException(String message) {
        super(message);
    }
}
