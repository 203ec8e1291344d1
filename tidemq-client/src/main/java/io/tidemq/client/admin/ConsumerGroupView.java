package io.tidemq.client.admin;

import io.tidemq.common.protocol.body.GroupDescription;

import java.util.List;
import java.util.TreeSet;

/**
 * A consumer group across the brokers that know it: each broker's view (members connected to it, lag of
 * each queue it hosts).
 *
 * @param group   the group
 * @param brokers one description per broker that knows the group, in broker-name order
 */
public record ConsumerGroupView(String group, List<GroupDescription> brokers) {

    /** The members connected to any broker, sorted. */
    public List<String> members() {
        TreeSet<String> all = new TreeSet<>();
        for (GroupDescription d : brokers) {
            all.addAll(d.members());
        }
        return List.copyOf(all);
    }

    /** Messages not yet consumed, on every broker. */
    public long totalLag() {
        long n = 0;
        for (GroupDescription d : brokers) {
            n += d.totalLag();
        }
        return n;
    }

    /** The message model its members report, or {@code null} when no member is connected. */
    public String messageModel() {
        for (GroupDescription d : brokers) {
            if (d.messageModel() != null) {
                return d.messageModel();
            }
        }
        return null;
    }
}
