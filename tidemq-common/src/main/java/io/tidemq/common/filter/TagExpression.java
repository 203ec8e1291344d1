package io.tidemq.common.filter;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A subscription's tag expression, parsed by the one grammar the client and the broker share
 * (docs/protocol.md, "Tag expressions"):
 * <pre>
 *   expression = blank | "*" | tag { "||" tag }      (blank or absent: every message)
 *   tag        = one or more characters, none of them a space or '|', and not "*" alone
 * </pre>
 * Spaces around {@code ||} and around the whole expression are ignored, a repeated tag counts once. Every
 * message matches {@code *}, untagged ones included; a tag list matches the messages carrying one of its tags,
 * compared exactly (case-sensitive). The broker tests the tag hashes ({@link #matchesCode}, which may collide),
 * the client re-checks the exact tag ({@link #matchesTag}).
 * Immutable, so one parsed expression may be shared by every thread.
 */
public final class TagExpression {

    /** The text of the expression that matches every message. */
    public static final String ALL_TEXT = "*";
    /** Matches every message. */
    public static final TagExpression ALL = new TagExpression(ALL_TEXT, null, null);

    private static final String SEPARATOR = "||";

    /** Normalised: the tags in first-seen order joined by {@code " || "}, or {@code *}. */
    private final String expression;
    /** {@code null} matches every message. */
    private final Set<String> tags;
    /** {@link TagsCode} of each tag, without repeats; {@code null} matches every message. A handful at most, so a
     *  linear scan beats a hash set and allocates nothing on the pull path. */
    private final long[] codes;

    private TagExpression(String expression, Set<String> tags, long[] codes) {
        this.expression = expression;
        this.tags = tags;
        this.codes = codes;
    }

    /**
     * Parses an expression.
     *
     * @throws InvalidTagExpressionException when a tag between {@code ||} is empty, holds a space or a single
     *                                       {@code |}, or is {@code *}
     */
    public static TagExpression parse(String text) {
        if (text == null || text.isBlank() || text.trim().equals(ALL_TEXT)) {
            return ALL;
        }
        Set<String> tags = new LinkedHashSet<>();
        String[] parts = text.split("\\|\\|", -1);
        for (int i = 0; i < parts.length; i++) {
            String tag = parts[i].trim();
            String wrong = tag.isEmpty() ? "is empty"
                    : tag.indexOf('|') >= 0 ? "'" + tag + "' holds a single |"
                    : tag.indexOf(' ') >= 0 ? "'" + tag + "' holds a space"
                    : tag.equals(ALL_TEXT) ? "is *, which only stands alone"
                    : null;
            if (wrong != null) {
                throw new InvalidTagExpressionException("subscription expression '" + text + "' is invalid: tag "
                        + (i + 1) + " " + wrong + "; write * or tags separated by ||, for example 'TagA || TagB'");
            }
            tags.add(tag);
        }
        long[] codes = tags.stream().mapToLong(TagsCode::of).distinct().toArray();
        return new TagExpression(String.join(" " + SEPARATOR + " ", tags), Collections.unmodifiableSet(tags), codes);
    }

    public boolean matchesAll() {
        return tags == null;
    }

    /** Whether a message tagged {@code tag} ({@code null}: untagged) matches, comparing the tag exactly. */
    public boolean matchesTag(String tag) {
        return tags == null || (tag != null && tags.contains(tag));
    }

    /** Whether a ConsumeQueue entry with this {@link TagsCode} may match; a hash collision answers true. */
    public boolean matchesCode(long tagsCode) {
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

    /** The tags in first-seen order; empty for {@link #ALL}. */
    public Set<String> tags() {
        return tags == null ? Set.of() : tags;
    }

    /** The normalised expression, what the client sends: {@code *} or {@code TagA || TagB}. */
    public String expression() {
        return expression;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TagExpression other && expression.equals(other.expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }
}
