package io.tidemq.client.admin;

/** No broker holds a message with the id or key asked for (it may have been deleted by retention). */
public final class MessageNotFoundException extends AdminException {

    private static final long serialVersionUID = 1L;

    public MessageNotFoundException(String message) {
        super(message);
    }
}
