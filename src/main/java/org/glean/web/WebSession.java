package org.glean.web;

/** The names the pages and the server share for a browser session. */
public final class WebSession {

    /** The HttpOnly, SameSite=Strict cookie that carries the signed-in user's token. */
    public static final String COOKIE = "glean_session";

    /**
     * The header every state-changing REST request must carry (any value): a page of another
     * site cannot set it on a request to Glean without CORS, which Glean does not allow.
     */
    public static final String REQUEST_HEADER = "X-Glean-Request";

    private WebSession() {
    }
}
