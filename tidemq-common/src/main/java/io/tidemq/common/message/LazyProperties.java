package io.tidemq.common.message;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * The properties of a delivered message, kept as the encoded bytes of the record until someone reads them: a
 * consumer that subscribes to everything and never looks at a property never pays for the decoding. Read-only.
 *
 * <p>Thread-safe: the decoded map is immutable and published through a volatile field; two threads that decode
 * at once build equal maps and either one wins.
 */
final class LazyProperties extends AbstractMap<String, String> {

    /** The bytes are never written after construction (a private copy of the pull response body). */
    private final byte[] source;
    private final int offset;
    private final int length;
    private volatile Map<String, String> decoded;

    LazyProperties(byte[] source, int offset, int length) {
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    private Map<String, String> decoded() {
        Map<String, String> m = decoded;
        if (m == null) {
            m = Collections.unmodifiableMap(MessageProperties.decode(new String(source, offset, length,
                    StandardCharsets.UTF_8)));
            decoded = m;
        }
        return m;
    }

    @Override
    public String get(Object key) {
        return decoded().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return decoded().containsKey(key);
    }

    @Override
    public int size() {
        return decoded().size();
    }

    @Override
    public boolean isEmpty() {
        return length == 0 || decoded().isEmpty();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return decoded().entrySet();
    }
}
