package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.ClientException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.ConsumerGroupView;
import io.tidemq.client.admin.MessageNotFoundException;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /api/messages/path?id=&group=}: where a message went, computed from existing data with bounded
 * searches. Stored: its topic, broker, queue, offset and store time. Per consumer group with offsets on its topic:
 * whether the group committed past it (committed offset &gt; its queue offset), and the copies of it in
 * {@code %RETRY%<group>} and {@code %DLQ%<group>}, found by its unique id (UNIQ_KEY, which every copy keeps) through
 * the key index. A copy in the retry topic that carries MAX_RECONSUME_TIMES is a retry; one without it was resent
 * from the dead-letter queue (the resend drops that property, see the broker's RetryRecords). Every answer that a
 * bound cut is {@code null} ("unknown") with the reason, never "no". Stateless.
 */
public final class MessagePathApi {

    /** The most groups described for one path (each is one request per broker). */
    static final int MAX_GROUPS = 50;
    /** The most copies one key search asks each broker for. */
    static final int MAX_COPIES = AdminClient.MAX_MESSAGES_BY_KEY;

    /** Where the message was stored. */
    public record Stored(String topic, String broker, int queueId, long queueOffset, long storeTimestampMs,
                         String storeHost) {
    }

    /** A copy of the message in a retry or dead-letter topic. */
    public record Copy(String msgId, String topic, long storeTimestampMs, int reconsumeTimes) {
    }

    /**
     * One group's part of the path. A {@code Boolean} is null when unknown, and the matching reason says why.
     *
     * @param consumedPast    whether the group's committed offset on the message's queue is past it
     * @param committedOffset that committed offset; null when the group never committed on the queue
     * @param retried         whether a retry copy exists in {@code %RETRY%<group>}
     * @param deadLettered    whether a copy exists in {@code %DLQ%<group>}
     * @param resent          whether a copy was resent from the dead-letter queue into {@code %RETRY%<group>}
     */
    public record GroupPath(String group, Boolean consumedPast, Long committedOffset, String consumedNote,
                            Boolean retried, List<Copy> retries, Boolean deadLettered, List<Copy> deadLetters,
                            Boolean resent, List<Copy> resends, String copiesNote) {
    }

    /**
     * The path.
     *
     * @param incomplete true when a bound cut the search somewhere (a group or copy answer is then null)
     * @param note       what was searched and what was cut, in words
     */
    public record Path(String msgId, String askedId, String uniqueKey, Stored stored, List<GroupPath> groups,
                       int groupsChecked, int groupsTotal, boolean incomplete, String note) {
    }

    private final AdminClient admin;

    public MessagePathApi(AdminClient admin) {
        this.admin = admin;
    }

    public void get(Context ctx) {
        String id = Params.required(ctx, "id");
        String onlyGroup = Params.optional(ctx, "group");
        ctx.json(path(id, onlyGroup));
    }

    Path path(String askedId, String onlyGroup) {
        MessageExt m = admin.messageById(askedId);
        String origin = m.property(MessageConst.ORIGIN_MSG_ID);
        if (origin != null && !origin.isEmpty() && !origin.equalsIgnoreCase(m.msgId())) {
            // a retry or dead-letter copy was asked for: the path is the original's
            try {
                m = admin.messageById(origin);
            } catch (MessageNotFoundException e) {
                throw new MessageNotFoundException("message " + askedId + " is a copy of " + origin + ", which no"
                        + " broker has any more (retention may have deleted it): " + e.getMessage());
            }
        }
        String topic = m.topic();
        TopicRouteData route = admin.route(topic);
        String broker = brokerOf(route, m.storeHost());
        Stored stored = new Stored(topic, broker, m.queueId(), m.queueOffset(), m.storeTimestampMs(), m.storeHost());
        String uniq = m.property(MessageConst.UNIQ_KEY);

        List<String> candidates = new ArrayList<>();
        if (onlyGroup != null) {
            candidates.add(onlyGroup);
        } else {
            admin.listGroups(AdminTarget.all()).forEach(candidates::add);
        }
        boolean incomplete = false;
        List<String> notes = new ArrayList<>();
        int checked = Math.min(candidates.size(), MAX_GROUPS);
        if (candidates.size() > MAX_GROUPS) {
            incomplete = true;
            notes.add("stopped early: checked the first " + MAX_GROUPS + " of " + candidates.size()
                    + " groups (by name); the others are unknown: ask for one with group=<name>");
        }
        List<GroupPath> groups = new ArrayList<>();
        for (String g : candidates.subList(0, checked)) {
            GroupPath p = groupPath(g, m, broker, uniq, onlyGroup != null);
            if (p == null) {
                continue; // the group has no offset on this topic and was not asked for
            }
            incomplete |= p.consumedPast() == null || p.retried() == null || p.deadLettered() == null
                    || p.resent() == null;
            groups.add(p);
        }
        groups.sort(Comparator.comparing(GroupPath::group));
        notes.add(0, "checked " + checked + " group(s); " + groups.size() + " with offsets on topic " + topic);
        if (uniq == null) {
            notes.add("the message carries no unique id (UNIQ_KEY), so its retry and dead-letter copies cannot be"
                    + " looked up: retried, dead-lettered and resent are unknown");
        }
        if (incomplete && uniq != null && candidates.size() <= MAX_GROUPS) {
            notes.add("stopped early: some answers are unknown (see each group)");
        }
        return new Path(m.msgId(), askedId, uniq, stored, groups, checked, candidates.size(), incomplete,
                String.join("; ", notes));
    }

    private GroupPath groupPath(String group, MessageExt m, String broker, String uniq, boolean asked) {
        Boolean consumed;
        Long committed = null;
        String consumedNote;
        try {
            ConsumerGroupView view = admin.describeGroup(group, AdminTarget.all());
            QueueLag queue = null;
            boolean onTopic = false;
            for (GroupDescription d : view.brokers()) {
                for (QueueLag q : d.queues()) {
                    if (q.topic().equals(m.topic())) {
                        onTopic = true;
                        if (q.queueId() == m.queueId() && d.brokerName().equals(broker)) {
                            queue = q;
                        }
                    }
                }
            }
            if (!onTopic && !asked) {
                return null;
            }
            if (broker == null) {
                consumed = null;
                consumedNote = "unknown: the message's store host " + m.storeHost() + " is not in topic "
                        + m.topic() + "'s route, so its queue cannot be told apart from the same queue id elsewhere";
            } else if (queue == null || queue.consumerOffset() < 0) {
                consumed = false;
                consumedNote = "the group never committed on this queue";
            } else {
                committed = queue.consumerOffset();
                consumed = committed > m.queueOffset();
                consumedNote = consumed ? "committed offset " + committed + " is past the message's offset "
                        + m.queueOffset() : "committed offset " + committed + " has not passed the message's offset "
                        + m.queueOffset();
            }
        } catch (ClientException e) {
            if (!asked) {
                return new GroupPath(group, null, null, "unknown: " + e.getMessage(), null, List.of(), null,
                        List.of(), null, List.of(), "unknown: the group could not be described");
            }
            consumed = null;
            consumedNote = "unknown: " + e.getMessage();
        }
        if (uniq == null) {
            return new GroupPath(group, consumed, committed, consumedNote, null, List.of(), null, List.of(), null,
                    List.of(), "unknown: the message carries no unique id (UNIQ_KEY) to find its copies by");
        }
        List<String> notes = new ArrayList<>();
        Copies retry = copies(NameValidator.retryTopic(group), uniq, m.msgId(), notes);
        Copies dlq = copies(NameValidator.dlqTopic(group), uniq, m.msgId(), notes);
        List<Copy> retries = new ArrayList<>();
        List<Copy> resends = new ArrayList<>();
        for (MessageExt c : retry.found()) {
            (c.property(MessageConst.MAX_RECONSUME_TIMES) != null ? retries : resends).add(copy(c));
        }
        Boolean retried = retry.complete() || !retries.isEmpty() ? !retries.isEmpty() : null;
        Boolean resent = retry.complete() || !resends.isEmpty() ? !resends.isEmpty() : null;
        Boolean dead = dlq.complete() || !dlq.found().isEmpty() ? !dlq.found().isEmpty() : null;
        return new GroupPath(group, consumed, committed, consumedNote, retried, retries, dead,
                dlq.found().stream().map(MessagePathApi::copy).toList(), resent, resends,
                notes.isEmpty() ? "complete: every copy in the group's retry and dead-letter topics was found"
                        : String.join("; ", notes));
    }

    private record Copies(List<MessageExt> found, boolean complete) {
    }

    /** The copies of the message in {@code topic}, by its unique id, at most {@link #MAX_COPIES} per broker. */
    private Copies copies(String topic, String uniq, String originalId, List<String> notes) {
        List<MessageExt> raw;
        try {
            raw = admin.messagesByKey(topic, uniq, MAX_COPIES);
        } catch (TopicNotFoundException | MessageNotFoundException e) {
            return new Copies(List.of(), true); // no such topic, or nothing in it with this id
        } catch (ClientException e) {
            notes.add("unknown for " + topic + ": " + e.getMessage());
            return new Copies(List.of(), false);
        }
        List<MessageExt> found = new ArrayList<>();
        for (MessageExt c : raw) {
            String origin = c.property(MessageConst.ORIGIN_MSG_ID);
            if (uniq.equals(c.property(MessageConst.UNIQ_KEY)) && (origin == null || origin.equalsIgnoreCase(originalId))) {
                found.add(c);
            }
        }
        found.sort(Comparator.comparingLong(MessageExt::storeTimestampMs));
        java.util.Map<String, Integer> perBroker = new java.util.HashMap<>();
        boolean complete = true;
        for (MessageExt c : raw) {
            complete &= perBroker.merge(String.valueOf(c.storeHost()), 1, Integer::sum) < MAX_COPIES;
        }
        if (!complete) {
            notes.add("stopped early in " + topic + ": a broker returned the limit of " + MAX_COPIES
                    + " copies, so more may exist");
        }
        return new Copies(found, complete);
    }

    private static Copy copy(MessageExt c) {
        return new Copy(c.msgId(), c.topic(), c.storeTimestampMs(), c.reconsumeTimes());
    }

    /** The broker group whose master or slave stored the message, from the topic's route; null when none matches. */
    private static String brokerOf(TopicRouteData route, String storeHost) {
        for (BrokerData b : route.brokerDatas()) {
            if (b.brokerAddrs().containsValue(storeHost)) {
                return b.brokerName();
            }
        }
        return route.brokerDatas().size() == 1 ? route.brokerDatas().get(0).brokerName() : null;
    }
}
