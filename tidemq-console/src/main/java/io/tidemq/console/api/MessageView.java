package io.tidemq.console.api;

import io.tidemq.common.message.MessageExt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A message as the console shows it: where and when it was stored, its properties, and its body as text when it
 * is UTF-8 (else only Base64). Bodies longer than {@value #MAX_BODY_BYTES} bytes are cut, and say so.
 *
 * @param bodyBytes     the whole body's length
 * @param bodyText      the (shown part of the) body as text; null when it is not UTF-8
 * @param bodyBase64    the shown part of the body
 * @param bodyTruncated whether the body was cut to {@value #MAX_BODY_BYTES} bytes
 */
public record MessageView(String msgId, String topic, int queueId, long queueOffset, long commitLogOffset,
                          String storeHost, String bornHost, long bornTimestampMs, long storeTimestampMs,
                          int reconsumeTimes, String tag, List<String> keys, Map<String, String> properties,
                          int bodyBytes, String bodyText, String bodyBase64, boolean bodyTruncated) {

    static final int MAX_BODY_BYTES = 64 * 1024;

    static MessageView of(MessageExt m) {
        byte[] body = m.body() == null ? new byte[0] : m.body();
        boolean cut = body.length > MAX_BODY_BYTES;
        byte[] shown = cut ? Arrays.copyOf(body, MAX_BODY_BYTES) : body;
        return new MessageView(m.msgId(), m.topic(), m.queueId(), m.queueOffset(), m.commitLogOffset(), m.storeHost(),
                m.bornHost(), m.bornTimestampMs(), m.storeTimestampMs(), m.reconsumeTimes(), m.tag(), m.keys(),
                m.properties() == null ? Map.of() : new TreeMap<>(m.properties()), body.length, utf8(shown, cut),
                Base64.getEncoder().encodeToString(shown), cut);
    }

    /** The text, or null when the bytes are not UTF-8 (a cut body may end inside a character: that is allowed). */
    private static String utf8(byte[] bytes, boolean cut) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            if (cut && bytes.length > 4) {
                return utf8(Arrays.copyOf(bytes, bytes.length - 1), true);
            }
            return null;
        }
    }
}
