package io.tidemq.common.filter;

/**
 * The 8-byte tag hash kept in each ConsumeQueue entry, so a pull can skip records whose tag cannot match
 * without reading the CommitLog. Hashes collide; a consumer that filters by tag compares the real tag too.
 */
public final class TagsCode {

    private TagsCode() {
    }

    /** {@code String.hashCode()} of the tag widened to a long; 0 for a missing or empty tag. */
    public static long of(String tag) {
        return tag == null || tag.isEmpty() ? 0L : tag.hashCode();
    }
}
