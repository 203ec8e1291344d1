package io.tidemq.client;

import java.util.List;

/** No NameServer answered: every address given was unreachable or timed out. */
public final class NameServerUnavailableException extends RemotingFailedException {

    private static final long serialVersionUID = 1L;

    private final List<String> namesrvAddrs;

    public NameServerUnavailableException(String what, List<String> namesrvAddrs, Throwable lastCause) {
        super(what + " failed: no NameServer of " + namesrvAddrs + " answered (last error: "
                + (lastCause == null ? "none" : lastCause.getMessage()) + "). Check the NameServer addresses"
                + " (namesrvAddrs, or --namesrv) and that the NameServer runs (bin/tidemq standalone, or"
                + " bin/tidemq namesrv --config FILE)", lastCause, String.join(",", namesrvAddrs));
        this.namesrvAddrs = List.copyOf(namesrvAddrs);
    }

    public List<String> namesrvAddrs() {
        return namesrvAddrs;
    }
}
