package io.tidemq.common.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text encoding of a message's properties, shared by the wire protocol and the store:
 * {@code name \u0001 value \u0002} repeated. Names and values may not contain the two separators.
 */
public final class MessageProperties {

    public static final char NAME_VALUE_SEPARATOR = '\u0001';
    public static final char PROPERTY_SEPARATOR = '\u0002';

    private MessageProperties() {
    }

    /** Encodes {@code properties}; an empty map encodes to the empty string. */
    public static String encode(Map<String, String> properties) {
        if (properties.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(properties.size() * 24);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            sb.append(e.getKey()).append(NAME_VALUE_SEPARATOR).append(e.getValue()).append(PROPERTY_SEPARATOR);
        }
        return sb.toString();
    }

    /** Decodes what {@link #encode} produced; {@code null} or empty decodes to an empty map. */
    public static Map<String, String> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> map = new LinkedHashMap<>();
        decodeInto(encoded, map);
        return map;
    }

    /**
     * Puts the properties of {@code encoded} into {@code into} (a later duplicate name wins, as in {@link #decode})
     * and says whether {@code encoded} is exactly what {@link #encode} makes of them: every property ends with
     * its separator and no name repeats. A caller that gets {@code true} may keep the text instead of encoding the
     * map again. {@code null} or empty puts nothing and is canonical.
     *
     * @throws IllegalArgumentException when a property has no name/value separator
     */
    public static boolean decodeInto(String encoded, Map<String, String> into) {
        if (encoded == null || encoded.isEmpty()) {
            return true;
        }
        int sizeBefore = into.size();
        int entries = 0;
        int start = 0;
        int len = encoded.length();
        while (start < len) {
            int nv = encoded.indexOf(NAME_VALUE_SEPARATOR, start);
            int end = encoded.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            if (nv < 0 || nv > end) {
                throw new IllegalArgumentException("malformed message properties near index " + start
                        + ": expected name\\u0001value\\u0002");
            }
            into.put(encoded.substring(start, nv), encoded.substring(nv + 1, end));
            entries++;
            start = end + 1;
        }
        return into.size() - sizeBefore == entries && encoded.charAt(len - 1) == PROPERTY_SEPARATOR;
    }

    /** Rejects names or values that would break the encoding. */
    static void checkEncodable(String name, String value) {
        if (name.isEmpty() || containsSeparator(name) || containsSeparator(value)) {
            throw new IllegalArgumentException("property '" + name.replace(NAME_VALUE_SEPARATOR, '?')
                    .replace(PROPERTY_SEPARATOR, '?') + "': names must be non-empty and neither names nor values"
                    + " may contain the characters \\u0001 or \\u0002");
        }
    }

    private static boolean containsSeparator(String s) {
        return s.indexOf(NAME_VALUE_SEPARATOR) >= 0 || s.indexOf(PROPERTY_SEPARATOR) >= 0;
    }
}
