package io.tidemq.remoting.netty;

/** Parses {@code host:port} addresses ({@code [v6]:port} for IPv6 literals). */
record RemotingAddress(String host, int port) {

    static RemotingAddress parse(String address) {
        if (address == null) {
            throw new IllegalArgumentException("address must be host:port, got null");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address must be host:port with a numeric port, got '" + address + "'");
        }
        if (port < 1 || port > 65_535 || host.isBlank()) {
            throw new IllegalArgumentException("address must be host:port with port in [1, 65535], got '"
                    + address + "'");
        }
        return new RemotingAddress(host, port);
    }
}
