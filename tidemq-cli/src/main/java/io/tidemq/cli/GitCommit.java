package io.tidemq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The commit of the git checkout a distribution runs from, read from {@code .git} without running git: HEAD,
 * then the loose ref it names or {@code packed-refs}. Handles a plain {@code .git} directory and a linked
 * worktree ({@code .git} is a file {@code gitdir: <dir>} whose {@code commondir} holds the shared refs).
 */
final class GitCommit {

    /** Characters of the commit id shown, as {@code git log --abbrev=12} would. */
    static final int SHORT_LENGTH = 12;

    private GitCommit() {
    }

    /** The commit of the checkout holding {@code start} (or a parent of it), if any. */
    static Optional<String> of(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path dotGit = dir.resolve(".git");
            if (Files.exists(dotGit)) {
                try {
                    return Optional.ofNullable(read(dotGit));
                } catch (IOException | RuntimeException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static String read(Path dotGit) throws IOException {
        Path gitDir = dotGit;
        if (Files.isRegularFile(dotGit)) {
            String line = firstLine(dotGit);
            if (!line.startsWith("gitdir:")) {
                return null;
            }
            gitDir = dotGit.getParent().resolve(line.substring("gitdir:".length()).trim()).normalize();
        }
        Path commonDir = gitDir;
        if (Files.isRegularFile(gitDir.resolve("commondir"))) {
            commonDir = gitDir.resolve(firstLine(gitDir.resolve("commondir"))).normalize();
        }
        String head = firstLine(gitDir.resolve("HEAD"));
        if (!head.startsWith("ref:")) {
            return commitId(head);
        }
        String ref = head.substring("ref:".length()).trim();
        for (Path d : new Path[] {gitDir, commonDir}) {
            Path loose = d.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return commitId(firstLine(loose));
            }
        }
        Path packed = commonDir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.endsWith(" " + ref)) {
                    return commitId(line.substring(0, line.indexOf(' ')));
                }
            }
        }
        return null;
    }

    private static String commitId(String hex) {
        String id = hex.trim();
        return id.matches("[0-9a-f]{40,64}") ? id.substring(0, SHORT_LENGTH) : null;
    }

    private static String firstLine(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }
}
