package io.tidemq.client.admin;

/** A message id that is not the 32 hexadecimal characters a broker assigns (store host, port, offset). */
public final class InvalidMessageIdException extends AdminException {

    private static final long serialVersionUID = 1L;

    public InvalidMessageIdException(String message) {
        super(message);
    }
}
