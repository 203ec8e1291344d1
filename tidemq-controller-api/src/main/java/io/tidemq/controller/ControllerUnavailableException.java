package io.tidemq.controller;

/**
 * The controller quorum did not answer in time (no leader elected, or a majority of peers down). Nothing was
 * decided by this call unless a retry reports it; callers retry later.
 */
public final class ControllerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ControllerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
