package io.tidemq.broker.processor;

import io.tidemq.store.TagsCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * A subscription's tag expression turned into a test on the store's tag hash ({@link TagsCode}):
 * {@code *} (or empty) matches everything, {@code A || B} matches messages tagged A or B. Hashes collide, so
 * a match here is "maybe"; the client re-checks the exact tag string.
 */
public final class TagFilter implements LongPredicate {

    /** Matches every message; pulls pass {@code null} to the store instead so it skips the test entirely. */
    public static final TagFilter ALL = new TagFilter("*", null);

    private static final int CACHE_LIMIT = 1024;
    /**
     * Consumers send the same expression with every pull, so parsed filters are cached. Bounded by clearing
     * when full: a flood of distinct expressions costs re-parsing, never memory.
     */
    private static final ConcurrentHashMap<String, TagFilter> CACHE = new ConcurrentHashMap<>();

    private final String expression;
    /** Tag hashes to accept; {@code null} accepts all. A handful at most, so a linear scan beats a hash set. */
    private final long[] codes;

    private TagFilter(String expression, long[] codes) {
        this.expression = expression;
        this.codes = codes;
    }

    /**
     * Parses an expression.
     *
     * @throws InvalidSubscriptionException when a tag between {@code ||} is empty or contains a space
     */
    public static TagFilter parse(String expression) {
        if (expression == null || expression.isBlank() || expression.trim().equals("*")) {
            return ALL;
        }
        TagFilter cached = CACHE.get(expression);
        if (cached != null) {
            return cached;
        }
        List<Long> codes = new ArrayList<>();
        for (String part : expression.split("\\|\\|", -1)) {
            String tag = part.trim();
            if (tag.isEmpty() || tag.indexOf(' ') >= 0 || tag.equals("*")) {
                throw new InvalidSubscriptionException("subscription expression '" + expression
                        + "' is invalid: use * or tags separated by ||, e.g. 'TagA || TagB'");
            }
            long code = TagsCode.of(tag);
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        TagFilter parsed = new TagFilter(expression, codes.stream().mapToLong(Long::longValue).toArray());
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(expression, parsed);
        return parsed;
    }

    public boolean matchesAll() {
        return codes == null;
    }

    /** The predicate to hand to the store: {@code null} when everything matches. */
    public LongPredicate storePredicate() {
        return codes == null ? null : this;
    }

    @Override
    public boolean test(long tagsCode) {
        if (codes == null) {
            return true;
        }
        for (long c : codes) {
            if (c == tagsCode) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TagFilter[" + expression + (codes == null ? "" : " -> " + Arrays.toString(codes)) + "]";
    }
}
