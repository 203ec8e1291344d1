package io.tidemq.broker.processor;

import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagExpression;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * A pull's subscription as the store's filter: the {@link TagExpression} (the grammar the client shares)
 * tested on the tag hash of each ConsumeQueue entry. Hashes collide, so a match here is "maybe"; the client
 * re-checks the exact tag string.
 */
public final class TagFilter implements LongPredicate {

    /** Matches every message; pulls pass {@code null} to the store instead so it skips the test entirely. */
    public static final TagFilter ALL = new TagFilter(TagExpression.ALL);

    private static final int CACHE_LIMIT = 1024;
    /**
     * Consumers send the same expression with every pull, so parsed filters are cached by their raw text.
     * Bounded by clearing when full: a flood of distinct expressions costs re-parsing, never memory.
     */
    private static final ConcurrentHashMap<String, TagFilter> CACHE = new ConcurrentHashMap<>();

    private final TagExpression expression;

    private TagFilter(TagExpression expression) {
        this.expression = expression;
    }

    /**
     * The filter of a pull's {@code subscription} field.
     *
     * @throws InvalidTagExpressionException when the expression is outside the grammar of {@link TagExpression}
     */
    public static TagFilter parse(String subscription) {
        if (subscription == null) {
            return ALL;
        }
        TagFilter cached = CACHE.get(subscription);
        if (cached != null) {
            return cached;
        }
        TagExpression parsed = TagExpression.parse(subscription);
        TagFilter filter = parsed.matchesAll() ? ALL : new TagFilter(parsed);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(subscription, filter);
        return filter;
    }

    public boolean matchesAll() {
        return expression.matchesAll();
    }

    /** The predicate to hand to the store: {@code null} when everything matches. */
    public LongPredicate storePredicate() {
        return expression.matchesAll() ? null : this;
    }

    @Override
    public boolean test(long tagsCode) {
        return expression.matchesCode(tagsCode);
    }

    @Override
    public String toString() {
        return "TagFilter[" + expression + "]";
    }
}
