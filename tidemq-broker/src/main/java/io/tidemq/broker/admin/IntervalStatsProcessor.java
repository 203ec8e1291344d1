package io.tidemq.broker.admin;

import io.tidemq.broker.stats.GroupLatencyStats;
import io.tidemq.broker.stats.IntervalStats;
import io.tidemq.broker.stats.TopicRateStats;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.DeliveryLatency;
import io.tidemq.common.protocol.body.TopicRates;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.names.NameValidator;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * GET_DELIVERY_LATENCY (each group's delivery latency percentiles over the last interval) and GET_TOPIC_RATES (one
 * topic's rates in and out per interval) on the admin executor, read from the broker's {@link IntervalStats}.
 * Stateless apart from its collaborators.
 */
public final class IntervalStatsProcessor implements SyncRequestProcessor {

    private final String brokerName;
    private final IntervalStats stats;
    private final Predicate<String> topicExists;
    private final LongSupplier clockMs;

    public IntervalStatsProcessor(String brokerName, IntervalStats stats, Predicate<String> topicExists,
                                  LongSupplier clockMs) {
        this.brokerName = brokerName;
        this.stats = stats;
        this.topicExists = topicExists;
        this.clockMs = clockMs;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        try {
            RequestCode code = RequestCode.fromCode(request.code());
            if (code == RequestCode.GET_DELIVERY_LATENCY) {
                return RemotingCommand.success().setBody(Json.toBytes(latency(request.fieldAsLong("afterMs", 0))));
            }
            if (code == RequestCode.GET_TOPIC_RATES) {
                return RemotingCommand.success().setBody(Json.toBytes(rates(topicHeader(request))));
            }
            throw new RequestRejectedException(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    RequestCode.describe(request.code()) + " is not served here");
        } catch (RequestRejectedException r) {
            return r.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    DeliveryLatency latency(long afterMs) {
        GroupLatencyStats l = stats.latency();
        return new DeliveryLatency(brokerName, clockMs.getAsLong(), stats.intervalMs(), GroupLatencyStats.MAX_GROUPS,
                GroupLatencyStats.KEPT_INTERVALS, l.untrackedMessages(), l.after(afterMs));
    }

    TopicRates rates(String topic) {
        if (!topicExists.test(topic)) {
            throw new RequestRejectedException(ResponseCode.TOPIC_NOT_EXIST, "topic '" + topic
                    + "' does not exist on broker " + brokerName);
        }
        return new TopicRates(topic, brokerName, stats.intervalMs(), TopicRateStats.CAPACITY,
                stats.rates().rates(topic));
    }

    private static String topicHeader(RemotingCommand request) {
        String topic = request.readHeader(Headers.TopicRequest.class).topic();
        if (topic == null) {
            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, "header field 'topic' is required");
        }
        NameValidator.checkTopic(topic);
        return topic;
    }
}
