package io.tidemq.cli;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;

import java.nio.charset.StandardCharsets;

/** One message as one line of text: {@code msgId<TAB>key<TAB>tag<TAB>body}. */
final class MessageLines {

    /** Printed for an absent key or tag, so every line has four fields. */
    static final String NONE = "-";

    private MessageLines() {
    }

    static String format(MessageExt m) {
        String keys = m.property(MessageConst.KEYS);
        String tag = m.tag();
        return m.msgId() + '\t' + (keys == null || keys.isEmpty() ? NONE : keys) + '\t'
                + (tag == null || tag.isEmpty() ? NONE : tag) + '\t' + escape(new String(m.body(), StandardCharsets.UTF_8));
    }

    /** Backslash-escapes tab, newline, carriage return and backslash, so a body never breaks the line format. */
    static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String rep = switch (c) {
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\\' -> "\\\\";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}
