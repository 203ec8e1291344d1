package io.tidemq.common.protocol;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseCodeTest {

    /** The released numbers. A change here breaks every deployed peer: add rows, never edit them. */
    private static final Map<String, Integer> PINNED = Map.ofEntries(
            Map.entry("SUCCESS", 0),
            Map.entry("SYSTEM_ERROR", 1),
            Map.entry("SYSTEM_BUSY", 2),
            Map.entry("REQUEST_CODE_NOT_SUPPORTED", 3),
            Map.entry("INVALID_PARAMETER", 4),
            Map.entry("NO_PERMISSION", 5),
            Map.entry("SERVICE_NOT_AVAILABLE", 6),
            Map.entry("TOPIC_NOT_EXIST", 10),
            Map.entry("MESSAGE_ILLEGAL", 11),
            Map.entry("MESSAGE_TOO_LARGE", 12),
            Map.entry("FLUSH_DISK_TIMEOUT", 13),
            Map.entry("SLAVE_NOT_AVAILABLE", 14),
            Map.entry("FLUSH_SLAVE_TIMEOUT", 15),
            Map.entry("DISK_FULL", 16),
            Map.entry("PULL_NOT_FOUND", 20),
            Map.entry("PULL_OFFSET_MOVED", 21),
            Map.entry("PULL_RETRY_IMMEDIATELY", 22),
            Map.entry("OFFSET_TOO_SMALL", 23),
            Map.entry("OFFSET_OUT_OF_RANGE", 24),
            Map.entry("OFFSET_NOT_FOUND", 25),
            Map.entry("QUEUE_NOT_LOCKED", 26),
            Map.entry("SUBSCRIPTION_INVALID", 30),
            Map.entry("SUBSCRIPTION_NOT_EXIST", 31),
            Map.entry("SUBSCRIPTION_GROUP_NOT_EXIST", 32),
            Map.entry("CONSUMER_NOT_ONLINE", 33),
            Map.entry("QUERY_NOT_FOUND", 40),
            Map.entry("TRANSACTION_SHOULD_COMMIT", 50),
            Map.entry("TRANSACTION_SHOULD_ROLLBACK", 51),
            Map.entry("TRANSACTION_STATE_UNKNOWN", 52),
            Map.entry("IN_SYNC_REPLICAS_NOT_ENOUGH", 60),
            Map.entry("HA_EPOCH_CHANGED", 61),
            Map.entry("HA_OFFSET_MISMATCH", 62),
            Map.entry("NOT_MASTER", 63),
            Map.entry("NOT_PRIMARY", 64),
            Map.entry("NAMESRV_FENCED", 65),
            Map.entry("NAMESRV_REPLICATION_GAP", 66),
            Map.entry("NAMESRV_ACK_TIMEOUT", 67));

    @Test
    void everyCodeKeepsItsReleasedNumber() {
        Map<String, Integer> actual = Arrays.stream(ResponseCode.values())
                .collect(Collectors.toMap(Enum::name, ResponseCode::code));
        assertThat(actual).isEqualTo(PINNED);
    }

    @Test
    void numbersMapBackToTheirCodes() {
        for (ResponseCode code : ResponseCode.values()) {
            assertThat(ResponseCode.fromCode(code.code())).isSameAs(code);
        }
        assertThat(ResponseCode.SUCCESS.code()).isZero();
        assertThat(ResponseCode.fromCode(-3)).isNull();
        assertThat(ResponseCode.describe(2)).isEqualTo("SYSTEM_BUSY(2)");
        assertThat(ResponseCode.describe(999)).isEqualTo("UNKNOWN(999)");
    }

    @Test
    void theProtocolDocumentListsEveryCodeWithItsNumber() throws Exception {
        Map<String, Integer> documented = ProtocolDoc.table("## Response codes");
        Map<String, Integer> actual = Arrays.stream(ResponseCode.values())
                .collect(Collectors.toMap(Enum::name, ResponseCode::code));
        assertThat(documented).isEqualTo(actual);
    }
}
