package io.tidemq.common.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the code tables of docs/protocol.md, so tests can check them against the enums. */
final class ProtocolDoc {

    private static final Pattern ROW = Pattern.compile("^\\| ([A-Z_]+) \\| (\\d+) \\|", Pattern.MULTILINE);

    private ProtocolDoc() {
    }

    /** name → number of every row in the table under {@code heading}, up to the next heading. */
    static Map<String, Integer> table(String heading) throws IOException {
        String doc = Files.readString(locate());
        int start = doc.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new IllegalStateException("docs/protocol.md has no section '" + heading + "'");
        }
        int end = doc.indexOf("\n## ", start + heading.length() + 1);
        Matcher m = ROW.matcher(doc.substring(start, end < 0 ? doc.length() : end));
        Map<String, Integer> rows = new LinkedHashMap<>();
        while (m.find()) {
            rows.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return rows;
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
