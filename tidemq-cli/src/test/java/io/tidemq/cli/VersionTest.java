package io.tidemq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tidemq --version}: the built version and the checkout's commit, read from .git without git. */
class VersionTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String OTHER_SHA = "fedcba9876543210fedcba9876543210fedcba98";

    @Test
    void versionPrintsTheBuiltVersionAndTheCommitOfThisCheckout() {
        Cli.Result r = Cli.exec("--version");

        assertThat(r.exitCode()).isZero();
        // this test runs from a git checkout (a clone or a worktree), built by Maven
        assertThat(r.out().strip()).matches("tidemq \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{12}\\)");
    }

    @Test
    void aBranchIsResolvedThroughALooseRefOrPackedRefs(@TempDir Path dir) throws IOException {
        Path git = Files.createDirectories(dir.resolve("repo/.git"));
        Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"
                + OTHER_SHA + " refs/heads/old\n" + SHA + " refs/heads/main\n");
        Path module = Files.createDirectories(dir.resolve("repo/tidemq-cli/target"));

        assertThat(GitCommit.of(module)).contains(SHA.substring(0, 12));

        Files.createDirectories(git.resolve("refs/heads"));
        Files.writeString(git.resolve("refs/heads/main"), OTHER_SHA + "\n");
        assertThat(GitCommit.of(module)).contains(OTHER_SHA.substring(0, 12));
    }

    @Test
    void aDetachedHeadAndALinkedWorktreeAreRead(@TempDir Path dir) throws IOException {
        Path common = Files.createDirectories(dir.resolve("main/.git"));
        Files.createDirectories(common.resolve("refs/heads"));
        Files.writeString(common.resolve("refs/heads/feature"), SHA + "\n");
        Path worktreeGit = Files.createDirectories(common.resolve("worktrees/feature"));
        Files.writeString(worktreeGit.resolve("HEAD"), "ref: refs/heads/feature\n");
        Files.writeString(worktreeGit.resolve("commondir"), "../..\n");
        Path worktree = Files.createDirectories(dir.resolve("wt/feature"));
        Files.writeString(worktree.resolve(".git"), "gitdir: " + worktreeGit + "\n");

        assertThat(GitCommit.of(worktree)).contains(SHA.substring(0, 12));

        Files.writeString(worktreeGit.resolve("HEAD"), OTHER_SHA + "\n");
        assertThat(GitCommit.of(worktree)).contains(OTHER_SHA.substring(0, 12));
    }

    @Test
    void outsideACheckoutTheCommitIsUnknown(@TempDir Path dir) {
        assertThat(GitCommit.of(dir.resolve("nowhere"))).isEmpty();
    }
}
