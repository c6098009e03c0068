package io.flotilla.agent.link;

/** The link cannot take a message right now (disconnected, or the transport's in-flight window is full). */
public final class LinkUnavailableException extends Exception {

    public LinkUnavailableException(String message) {
        super(message);
    }

    public LinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
