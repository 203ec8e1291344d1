package io.tidemq.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row and data rows, columns left-aligned and padded to their widest cell. */
final class TextTable {

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = header;
    }

    /** Adds a row; values are turned into text with {@link String#valueOf(Object)}. */
    TextTable row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + header.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The table, one line per row, each line ending with a newline; trailing spaces trimmed. */
    String render() {
        int[] widths = new int[header.length];
        measure(widths, header);
        rows.forEach(r -> measure(widths, r));
        StringBuilder sb = new StringBuilder();
        line(sb, widths, header);
        rows.forEach(r -> line(sb, widths, r));
        return sb.toString();
    }

    private static void measure(int[] widths, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            widths[i] = Math.max(widths[i], cells[i].length());
        }
    }

    private static void line(StringBuilder sb, int[] widths, String[] cells) {
        int start = sb.length();
        for (int i = 0; i < cells.length; i++) {
            sb.append(cells[i]);
            if (i < cells.length - 1) {
                sb.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }
}
