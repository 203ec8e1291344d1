package io.tidemq.common.filter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test table of the tag-expression grammar, read from docs/protocol.md ("Tag expressions"), so the common,
 * client and broker tests check one table and the doc cannot drift from what they check. Shared through the
 * tidemq-common test-jar.
 */
public final class TagExpressionCases {

    private static final String HEADING = "\n## Tag expressions\n";
    private static final Pattern LINE = Pattern.compile("^`([^`]*)`\\s+->\\s+(.+)$");

    /**
     * One line of the table.
     *
     * @param expression the expression as written between the backquotes
     * @param all        whether it matches every message
     * @param tags       the tags it matches (empty when {@code all} or invalid)
     * @param error      the text the error must contain; {@code null} for a valid expression
     */
    public record Case(String expression, boolean all, Set<String> tags, String error) {

        public boolean valid() {
            return error == null;
        }

        @Override
        public String toString() {
            return "'" + expression + "'";
        }
    }

    private TagExpressionCases() {
    }

    /** Every case of the table, in the doc's order. */
    public static List<Case> all() {
        String doc;
        try {
            doc = Files.readString(locate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int section = doc.indexOf(HEADING);
        if (section < 0) {
            throw new IllegalStateException("docs/protocol.md has no section 'Tag expressions'");
        }
        int end = doc.indexOf("\n## ", section + HEADING.length());
        String text = doc.substring(section, end < 0 ? doc.length() : end);
        List<Case> cases = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                cases.add(parse(m.group(1), m.group(2).trim()));
            }
        }
        if (cases.size() < 10) {
            throw new IllegalStateException("docs/protocol.md 'Tag expressions' holds " + cases.size()
                    + " cases; the table was not found or lost its format");
        }
        return cases;
    }

    /** Every tag the table names, plus one no expression names. */
    public static Set<String> tagsNamed() {
        Set<String> tags = new LinkedHashSet<>();
        for (Case c : all()) {
            tags.addAll(c.tags());
        }
        tags.add("TagC");
        return tags;
    }

    private static Case parse(String expression, String result) {
        if (result.equals("every message")) {
            return new Case(expression, true, Set.of(), null);
        }
        if (result.startsWith("invalid:")) {
            return new Case(expression, false, Set.of(), result.substring("invalid:".length()).trim());
        }
        return new Case(expression, false, new LinkedHashSet<>(Arrays.asList(result.split(",\\s*"))), null);
    }

    private static Path locate() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/protocol.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/protocol.md not found above " + Paths.get("").toAbsolutePath());
    }
}
