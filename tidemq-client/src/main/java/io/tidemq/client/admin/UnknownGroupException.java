package io.tidemq.client.admin;

/** No broker knows the consumer group: it has no connected member and never committed an offset. */
public final class UnknownGroupException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final String group;

    public UnknownGroupException(String group) {
        super("consumer group '" + group + "' is unknown to every broker (no connected member, no committed"
                + " offset). List the groups with `tidemq admin group list`");
        this.group = group;
    }

    public String group() {
        return group;
    }
}
