package io.tidemq.remoting.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ShortStringCacheTest {

    private final ShortStringCache cache = new ShortStringCache();

    @Test
    void repeatedShortAsciiTextDecodesToTheSameInstance() {
        String first = read("queueId");
        String second = read("queueId");
        assertThat(second).isEqualTo("queueId").isSameAs(first);
    }

    @Test
    void differentTextNeverComesBackFromAnotherEntrysSlot() {
        // far more distinct strings than slots: every slot is shared and overwritten many times
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5_000; i++) {
                String text = "v" + i;
                assertThat(read(text)).isEqualTo(text);
            }
        }
    }

    @Test
    void thousandsOfTopicNamesSentRoundRobinBetweenTimestampsComeBackCached() {
        // the many-queues benchmark of issue 10: 1 250 topics, each frame also carrying one-off numbers
        int topics = 1_250;
        long timestamp = 1_764_000_000_000L;
        String[] firstRound = new String[topics];
        for (int i = 0; i < topics; i++) {
            firstRound[i] = read("bench-" + i);
            read(Long.toString(timestamp++));
            read(Long.toString(timestamp * 7));
        }
        int same = 0;
        for (int i = 0; i < topics; i++) {
            if (read("bench-" + i) == firstRound[i]) {
                same++;
            }
            read(Long.toString(timestamp++));
            read(Long.toString(timestamp * 7));
        }
        assertThat(same).isGreaterThanOrEqualTo(topics * 98 / 100);
    }

    @Test
    void smallNumbersAreCachedAndLongDecimalTextIsNot() {
        assertThat(read("7")).isSameAs(read("7"));
        assertThat(read("1234")).isSameAs(read("1234"));
        String stamp = read("1764000000000");
        assertThat(read("1764000000000")).isEqualTo(stamp).isNotSameAs(stamp);
    }

    @Test
    void nonAsciiAndLongTextDecodeAsUtf8WithoutTheCache() {
        assertThat(read("主题")).isEqualTo("主题");
        assertThat(read("ünï")).isEqualTo("ünï");
        String longText = "x".repeat(ShortStringCache.MAX_CACHED_BYTES + 1);
        String first = read(longText);
        assertThat(first).isEqualTo(longText);
        assertThat(read(longText)).isEqualTo(longText).isNotSameAs(first);
    }

    @Test
    void readsTheGivenRangeOfTheArray() {
        byte[] bytes = "..topic..".getBytes(StandardCharsets.US_ASCII);
        assertThat(cache.get(bytes, 2, 5)).isEqualTo("topic");
        assertThat(cache.get(bytes, 2, 5)).isSameAs(cache.get(bytes, 2, 5));
    }

    private String read(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return cache.get(bytes, 0, bytes.length);
    }
}
