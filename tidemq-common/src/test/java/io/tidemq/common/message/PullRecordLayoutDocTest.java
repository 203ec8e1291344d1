package io.tidemq.common.message;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The PULL_MESSAGE body table of docs/protocol.md says what {@link RecordLayout} says, field by field. */
class PullRecordLayoutDocTest {

    private static final Pattern ROW = Pattern.compile("^\\| (\\d+) \\| (\\d+) \\| (\\w+)", Pattern.MULTILINE);

    @Test
    void theDocumentedPullRecordLayoutIsTheStoredRecordLayout() throws IOException {
        String doc = Files.readString(locate());
        int start = doc.indexOf("The SUCCESS body is one delivery format");
        assertThat(start).as("the PULL_MESSAGE body section of docs/protocol.md").isPositive();
        Matcher m = ROW.matcher(doc.substring(start, doc.indexOf("\n\n", doc.indexOf("| offset |", start))));
        Map<String, int[]> rows = new LinkedHashMap<>();
        while (m.find()) {
            rows.put(m.group(3), new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("totalSize", new int[] {RecordLayout.TOTAL_SIZE_OFFSET, RecordLayout.TOTAL_SIZE_LENGTH});
        expected.put("magic", new int[] {RecordLayout.MAGIC_OFFSET, RecordLayout.MAGIC_LENGTH});
        expected.put("crc32c", new int[] {RecordLayout.CRC_OFFSET, RecordLayout.CRC_LENGTH});
        expected.put("queueId", new int[] {RecordLayout.QUEUE_ID_OFFSET, RecordLayout.QUEUE_ID_LENGTH});
        expected.put("flag", new int[] {RecordLayout.FLAG_OFFSET, RecordLayout.FLAG_LENGTH});
        expected.put("queueOffset", new int[] {RecordLayout.QUEUE_OFFSET_OFFSET, RecordLayout.QUEUE_OFFSET_LENGTH});
        expected.put("physicalOffset", new int[] {RecordLayout.PHYSICAL_OFFSET_OFFSET,
            RecordLayout.PHYSICAL_OFFSET_LENGTH});
        expected.put("sysFlag", new int[] {RecordLayout.SYS_FLAG_OFFSET, RecordLayout.SYS_FLAG_LENGTH});
        expected.put("bornTimestamp", new int[] {RecordLayout.BORN_TIMESTAMP_OFFSET,
            RecordLayout.BORN_TIMESTAMP_LENGTH});
        expected.put("bornHost", new int[] {RecordLayout.BORN_HOST_OFFSET, RecordLayout.BORN_HOST_LENGTH});
        expected.put("storeTimestamp", new int[] {RecordLayout.STORE_TIMESTAMP_OFFSET,
            RecordLayout.STORE_TIMESTAMP_LENGTH});
        expected.put("storeHost", new int[] {RecordLayout.STORE_HOST_OFFSET, RecordLayout.STORE_HOST_LENGTH});
        expected.put("reconsumeTimes", new int[] {RecordLayout.RECONSUME_TIMES_OFFSET,
            RecordLayout.RECONSUME_TIMES_LENGTH});
        expected.put("preparedTransactionOffset", new int[] {RecordLayout.PREPARED_TX_OFFSET_OFFSET,
            RecordLayout.PREPARED_TX_OFFSET_LENGTH});
        expected.put("bodyLength", new int[] {RecordLayout.BODY_LENGTH_OFFSET, RecordLayout.BODY_LENGTH_LENGTH});
        assertThat(rows.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((field, offsetAndLength) ->
                assertThat(rows.get(field)).as(field + ": offset, bytes").containsExactly(offsetAndLength));
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
