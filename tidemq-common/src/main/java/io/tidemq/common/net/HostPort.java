package io.tidemq.common.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code host:port} address, the one parser and formatter of every address TideMQ reads or prints: NameServer
 * lists, broker addresses, CLI flags, connection peers and the IPv6 host properties of stored records.
 * <ul>
 *   <li>text form: {@code host:port}, an IPv6 address in brackets, {@code [::1]:9876};</li>
 *   <li>a list: entries separated by {@code ;}, blanks around them ignored (docs/configuration.md);</li>
 *   <li>the port is a number in [1, 65535]; the host is a name or an IP literal, never resolved here.</li>
 * </ul>
 * Immutable.
 *
 * @param host the host name or IP literal, without brackets
 * @param port the port, 1 to 65535
 */
public record HostPort(String host, int port) {

    /** Separates the entries of an address list. */
    public static final char LIST_SEPARATOR = ';';
    private static final String EXAMPLE = "10.0.0.1:9876 or [::1]:9876";

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new InvalidAddressException("an address needs a host, as in " + EXAMPLE);
        }
        if (port < 1 || port > 65_535) {
            throw new InvalidAddressException("address " + host + " has port " + port
                    + "; use a port in [1, 65535]");
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}, surrounding blanks ignored.
     *
     * @throws InvalidAddressException naming what is wrong: no port, a port that is not a number in [1, 65535],
     *                                 an empty host, an IPv6 address without brackets, or a character no host
     *                                 holds (a space, {@code ,} or {@code ;} between two addresses, say)
     */
    public static HostPort parse(String text) {
        return parse(text, "address");
    }

    /**
     * {@link #parse(String)}, naming the source of the text in the error: {@code "namesrvAddrs entry"} gives
     * "namesrvAddrs entry 'h' is not host:port: it has no port; ...".
     */
    public static HostPort parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new InvalidAddressException(what + " is empty; write host:port, as in " + EXAMPLE);
        }
        String a = text.trim();
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == ',' || c == LIST_SEPARATOR) {
                throw invalid(what, a, "'" + c + "' is not part of an address; separate several addresses with ';'");
            }
            if (Character.isWhitespace(c)) {
                throw invalid(what, a, "a space is not part of an address");
            }
        }
        int colon = a.lastIndexOf(':');
        if (colon < 0 || colon == a.length() - 1) {
            throw invalid(what, a, "it has no port");
        }
        String host = a.substring(0, colon);
        String portText = a.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() == 2) {
                throw invalid(what, a, "an IPv6 host is written in brackets, as in [::1]:9876");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw invalid(what, a, "write an IPv6 address in brackets, as in [::1]:9876");
        }
        if (host.isEmpty()) {
            throw invalid(what, a, "the host is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '[' || c == ']' || c == '/') {
                throw invalid(what, a, "'" + c + "' is not part of a host");
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw invalid(what, a, "'" + portText + "' is not a numeric port");
        }
        if (port < 1 || port > 65_535) {
            throw invalid(what, a, "port " + port + " is outside [1, 65535]");
        }
        return new HostPort(host, port);
    }

    /**
     * Parses a {@code ;}-separated list, dropping blank entries.
     *
     * @return the addresses in order; empty when the text is null or blank
     * @throws InvalidAddressException for the first entry that is not an address
     */
    public static List<HostPort> parseList(String text) {
        return parseList(text, "address");
    }

    /** {@link #parseList(String)}, naming each entry {@code what} in the error ({@link #parse(String, String)}). */
    public static List<HostPort> parseList(String text, String what) {
        List<HostPort> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String entry : text.split(String.valueOf(LIST_SEPARATOR))) {
            if (!entry.isBlank()) {
                out.add(parse(entry, what));
            }
        }
        return out;
    }

    /** {@link #parseList(String, String)} as the text of each address ({@link #toString}), for APIs of strings. */
    public static List<String> parseListAsText(String text, String what) {
        List<String> out = new ArrayList<>();
        for (HostPort hp : parseList(text, what)) {
            out.add(hp.toString());
        }
        return out;
    }

    /** The address of a socket, by its IP when it has one (never a reverse lookup). */
    public static HostPort of(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return new HostPort(ip == null ? address.getHostString() : ip.getHostAddress(), address.getPort());
    }

    /** {@code ip:port} of a socket, {@code [v6]:port} for IPv6. */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return format(ip == null ? address.getHostString() : ip.getHostAddress(), address.getPort());
    }

    private static String format(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** Whether the host is an IPv4 or IPv6 literal, so it can be turned into an address without DNS. */
    public boolean isIpLiteral() {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    /** An unresolved socket address: connecting resolves the host then, not now. */
    public InetSocketAddress toUnresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static InvalidAddressException invalid(String what, String text, String why) {
        return new InvalidAddressException(what + " '" + text + "' is not host:port: " + why + "; write host:port,"
                + " as in " + EXAMPLE);
    }

    /** {@code host:port}, {@code [v6]:port} for an IPv6 host: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return format(host, port);
    }
}
