package io.tidemq.common.protocol;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RequestCodeTest {

    /** The released numbers. A change here breaks every deployed peer: add rows, never edit them. */
    private static final Map<String, Integer> PINNED = Map.ofEntries(
            Map.entry("SEND_MESSAGE", 10),
            Map.entry("SEND_BATCH_MESSAGE", 11),
            Map.entry("PULL_MESSAGE", 12),
            Map.entry("CONSUMER_SEND_MSG_BACK", 13),
            Map.entry("END_TRANSACTION", 14),
            Map.entry("CHECK_TRANSACTION_STATE", 15),
            Map.entry("QUERY_CONSUMER_OFFSET", 20),
            Map.entry("UPDATE_CONSUMER_OFFSET", 21),
            Map.entry("GET_MAX_OFFSET", 22),
            Map.entry("GET_MIN_OFFSET", 23),
            Map.entry("SEARCH_OFFSET_BY_TIMESTAMP", 24),
            Map.entry("HEART_BEAT", 30),
            Map.entry("UNREGISTER_CLIENT", 31),
            Map.entry("GET_CONSUMER_LIST_BY_GROUP", 32),
            Map.entry("NOTIFY_CONSUMER_IDS_CHANGED", 33),
            Map.entry("LOCK_BATCH_MQ", 34),
            Map.entry("UNLOCK_BATCH_MQ", 35),
            Map.entry("REGISTER_BROKER", 100),
            Map.entry("UNREGISTER_BROKER", 101),
            Map.entry("BROKER_HEARTBEAT", 102),
            Map.entry("GET_ROUTEINFO_BY_TOPIC", 103),
            Map.entry("GET_BROKER_CLUSTER_INFO", 104),
            Map.entry("GET_CLUSTER_STATS", 105),
            Map.entry("GET_NAMESRV_CONFIG", 106),
            Map.entry("UPDATE_NAMESRV_CONFIG", 107),
            Map.entry("NS_REPL_HELLO", 110),
            Map.entry("NS_REPL_APPEND", 111),
            Map.entry("NS_REPL_SNAPSHOT", 112),
            Map.entry("NS_REPL_STATUS", 113),
            Map.entry("NS_REPL_TOPOLOGY", 114),
            Map.entry("NS_REPL_FETCH", 115),
            Map.entry("CREATE_TOPIC", 200),
            Map.entry("UPDATE_TOPIC", 201),
            Map.entry("DELETE_TOPIC", 202),
            Map.entry("GET_ALL_TOPIC_LIST", 203),
            Map.entry("GET_TOPIC_STATS", 204),
            Map.entry("GET_CONSUMER_GROUP_LIST", 205),
            Map.entry("DESCRIBE_CONSUMER_GROUP", 206),
            Map.entry("QUERY_MESSAGE_BY_ID", 207),
            Map.entry("QUERY_MESSAGE_BY_KEY", 208),
            Map.entry("GET_BROKER_RUNTIME_INFO", 209),
            Map.entry("GET_DLQ_MESSAGES", 210),
            Map.entry("RESEND_DLQ_MESSAGES", 211),
            Map.entry("SET_BROKER_DRAINED", 212),
            Map.entry("QUERY_QUEUE_MESSAGES", 213),
            Map.entry("DELETE_CONSUMER_GROUP", 214),
            Map.entry("GET_BROKER_CONFIG", 215),
            Map.entry("UPDATE_BROKER_CONFIG", 216),
            Map.entry("UPDATE_SUBSCRIPTION_GROUP", 217),
            Map.entry("GET_SUBSCRIPTION_GROUPS", 218),
            Map.entry("GET_WAITING_MESSAGES", 219),
            Map.entry("GET_DELIVERY_LATENCY", 220),
            Map.entry("GET_TOPIC_RATES", 221),
            Map.entry("CREATE_TOPICS", 222),
            Map.entry("CONTROLLER_REGISTER", 300),
            Map.entry("CONTROLLER_HEARTBEAT", 301),
            Map.entry("CONTROLLER_ALTER_ISR", 302),
            Map.entry("CONTROLLER_GET_STATE", 303),
            Map.entry("CONTROLLER_ELECT", 304),
            Map.entry("HA_HELLO", 400),
            Map.entry("HA_FETCH", 401),
            Map.entry("HA_METADATA", 402),
            Map.entry("HA_MERGE_OFFSETS", 410));

    @Test
    void everyCodeKeepsItsReleasedNumber() {
        Map<String, Integer> actual = Arrays.stream(RequestCode.values())
                .collect(Collectors.toMap(Enum::name, RequestCode::code));
        assertThat(actual).isEqualTo(PINNED);
    }

    @Test
    void numbersMapBackToTheirCodes() {
        for (RequestCode code : RequestCode.values()) {
            assertThat(RequestCode.fromCode(code.code())).isSameAs(code);
        }
        assertThat(RequestCode.fromCode(-1)).isNull();
        assertThat(RequestCode.fromCode(9)).isNull();
        assertThat(RequestCode.fromCode(1_000_000)).isNull();
        assertThat(RequestCode.describe(10)).isEqualTo("SEND_MESSAGE(10)");
        assertThat(RequestCode.describe(77)).isEqualTo("UNKNOWN(77)");
    }

    @Test
    void theProtocolDocumentListsEveryCodeWithItsNumber() throws Exception {
        Map<String, Integer> documented = ProtocolDoc.table("## Request codes");
        Map<String, Integer> actual = Arrays.stream(RequestCode.values())
                .collect(Collectors.toMap(Enum::name, RequestCode::code));
        assertThat(documented).isEqualTo(actual);
    }
}
