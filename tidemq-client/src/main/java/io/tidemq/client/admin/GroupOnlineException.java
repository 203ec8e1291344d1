package io.tidemq.client.admin;

import java.util.List;

/**
 * A change of a consumer group's offsets was refused because members are online: they keep their offsets in
 * memory and would commit them again over the change. Stop the group's consumers, or force it.
 */
public final class GroupOnlineException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final List<String> members;

    public GroupOnlineException(String group, String what, List<String> members) {
        super("consumer group " + group + " has " + members.size() + " member(s) online " + members + "; " + what
                + " is refused while it is consumed, because the members would commit their own offsets over it."
                + " Stop its consumers first, or force it");
        this.members = List.copyOf(members);
    }

    /** The client ids of the members that were online. */
    public List<String> members() {
        return members;
    }
}
