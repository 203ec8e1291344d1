package io.tidemq.console.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserStoreTest {

    @TempDir
    Path dir;

    @Test
    void theFirstOpenCreatesAnAdminWithARandomPasswordGivenOnceAndStoresOnlyItsHash() throws Exception {
        Path file = dir.resolve("console/users.properties");
        UserStore first = UserStore.open(file, new SecureRandom(), 1_000);
        String password = first.initialPassword().orElseThrow();

        assertThat(password).hasSizeGreaterThanOrEqualTo(24);
        assertThat(Files.readString(file)).contains("admin=pbkdf2-sha256:").doesNotContain(password);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.verify("admin", password.toCharArray())).isTrue();
        assertThat(first.verify("admin", "wrong".toCharArray())).isFalse();
        assertThat(first.verify("root", password.toCharArray())).isFalse();

        UserStore second = UserStore.open(file, new SecureRandom(), 1_000);
        assertThat(second.initialPassword()).isEmpty();
        assertThat(second.verify("admin", password.toCharArray())).isTrue();
        assertThat(UserStore.open(dir.resolve("other.properties"), new SecureRandom(), 1_000).initialPassword().orElseThrow())
                .as("each new file gets its own random password").isNotEqualTo(password);
    }

    @Test
    void aDamagedFileIsReportedWithWhatToDo() throws Exception {
        Path file = dir.resolve("users.properties");
        Files.writeString(file, "admin=hunter2\n");

        assertThatThrownBy(() -> UserStore.open(file, new SecureRandom(), 1_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("delete the file");
    }
}
