package io.tidemq.client.consumer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A subscription's tag expression: {@code *} (every message) or tags joined by {@code ||}
 * ({@code "TagA || TagB"}). The broker filters by tag hash, which can collide; the client re-checks the
 * exact tag string with {@link #matches}. Immutable.
 */
public final class TagFilter {

    public static final String ALL = "*";

    private final String expression;
    /** {@code null} means every message matches. */
    private final Set<String> tags;

    private TagFilter(String expression, Set<String> tags) {
        this.expression = expression;
        this.tags = tags;
    }

    /** Parses {@code *}, {@code null} or blank (all), or {@code A || B}. */
    public static TagFilter parse(String expression) {
        if (expression == null || expression.isBlank() || expression.trim().equals(ALL)) {
            return new TagFilter(ALL, null);
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String part : expression.split("\\|\\|")) {
            String tag = part.trim();
            if (tag.isEmpty() || tag.contains(" ") || tag.contains("|") || tag.equals(ALL)) {
                throw new IllegalArgumentException("subscription expression '" + expression + "' is invalid: write *"
                        + " or tags separated by ||, for example \"TagA || TagB\"");
            }
            tags.add(tag);
        }
        return new TagFilter(String.join(" || ", tags), Set.copyOf(tags));
    }

    /** Whether a message with {@code tag} ({@code null}: untagged) passes. */
    public boolean matches(String tag) {
        return tags == null || (tag != null && tags.contains(tag));
    }

    public boolean matchesAll() {
        return tags == null;
    }

    /** The normalised expression sent to the broker. */
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }
}
