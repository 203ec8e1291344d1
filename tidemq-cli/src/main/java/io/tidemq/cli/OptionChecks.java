package io.tidemq.cli;

import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks of option values made before any server starts, so a mistake is a usage error (exit 2) naming the
 * option the user typed ({@code --port}, {@code --set maxMessageBytes=...}), never the configuration key the value
 * ends up in ({@code listenPort}).
 */
final class OptionChecks {

    private OptionChecks() {
    }

    /**
     * @return {@code value}
     * @throws CommandLine.ParameterException naming {@code option} when {@code value} is outside {@code key}'s range
     */
    static int range(CommandLine cl, String option, ConfigKey<Integer> key, int value) {
        if (value < key.min().intValue() || value > key.max().intValue()) {
            throw new CommandLine.ParameterException(cl, option + " must be in " + key.rangeText() + ", was " + value
                    + rangeHint(key));
        }
        return value;
    }

    private static String rangeHint(ConfigKey<Integer> key) {
        return key.min().intValue() < 0 ? " (-1 turns it off, 0 picks a free port)" : " (0 picks a free port)";
    }

    /**
     * Checks an address option that takes one host: an IPv4 literal with four parts of 0-255, an IPv6 literal, or a
     * host name (letters, digits, '-' and '.').
     *
     * @throws CommandLine.ParameterException naming {@code option}
     */
    static String host(CommandLine cl, String option, String value) {
        String v = value.trim();
        String problem = hostProblem(v);
        if (problem != null) {
            throw new CommandLine.ParameterException(cl, option + " '" + value + "' is not an IP address or host"
                    + " name: " + problem);
        }
        return v;
    }

    static String hostProblem(String v) {
        if (v.isEmpty()) {
            return "it is empty";
        }
        if (v.indexOf(':') >= 0) {
            return isIpv6(v) ? null : "not a valid IPv6 address";
        }
        if (v.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            String[] parts = v.split("\\.", -1);
            if (parts.length != 4) {
                return "an IPv4 address has four numbers, as in 10.0.0.5";
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    return "each number of an IPv4 address is 0-255, as in 10.0.0.5";
                }
            }
            return null;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '.')) {
                return "'" + c + "' is not part of a host name";
            }
        }
        return null;
    }

    private static boolean isIpv6(String v) {
        if (!v.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            // a literal with ':' is parsed, never resolved
            return java.net.InetAddress.getByName(v) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Checks each {@code --set KEY=VALUE} against the tables: the key must be in one, the value must parse and be in
     * range (checks between keys are left to the configuration).
     *
     * @throws CommandLine.ParameterException naming {@code --set} and the key
     */
    static void setValues(CommandLine cl, Map<String, String> values, List<ConfigTable<?>> tables) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            ConfigKey<?> key = find(tables, e.getKey());
            if (key == null) {
                throw new CommandLine.ParameterException(cl, "--set " + e.getKey() + ": not a broker or store"
                        + " configuration key; the keys are listed in docs/configuration.md (Broker, Store)");
            }
            try {
                key.parse(e.getValue(), IllegalArgumentException::new);
            } catch (IllegalArgumentException bad) {
                throw new CommandLine.ParameterException(cl, "--set " + e.getKey() + "=" + e.getValue() + ": "
                        + bad.getMessage());
            }
        }
    }

    private static ConfigKey<?> find(List<ConfigTable<?>> tables, String name) {
        for (ConfigTable<?> table : tables) {
            for (ConfigKey<?> key : table.keys()) {
                if (key.name().equals(name)) {
                    return key;
                }
            }
        }
        return null;
    }

    /**
     * Creates {@code dir} (with its parents) when missing and checks it is a writable directory.
     *
     * @throws CommandFailedException naming {@code option}: exit 1, the user must fix the file system or choose another
     */
    static Path writableDirectory(String option, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new CommandFailedException(option + " " + dir + " cannot be used: " + describe(e)
                    + "; give a directory this user can write with " + option + " DIR", e);
        }
        if (!Files.isWritable(dir)) {
            throw new CommandFailedException(option + " " + dir + " is not writable by this user; give another"
                    + " directory with " + option + " DIR", null);
        }
        return dir;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "it is a file, not a directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + (fse.getFile() != null ? " (" + fse.getFile() + ")" : "");
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
