package io.tidemq.client.admin;

import io.tidemq.client.remoting.ResponseCodes;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.NameServerUnavailableException;
import io.tidemq.client.BrokerUnavailableException;

import io.tidemq.client.ClientException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.RemotingClient;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin client's calls over one {@link RemotingClient}: NameServer calls fail over from one NameServer
 * to the next, broker calls go to one address or fan out to several in parallel. Transport failures become
 * {@link NameServerUnavailableException} / {@link BrokerUnavailableException}; response codes are left to
 * the caller, which knows which ones mean "not found". Thread-safe.
 */
final class AdminRemoting {

    private final RemotingClient remoting;
    private final List<String> namesrvAddrs;
    private final long timeoutMs;
    /** Where the next NameServer call starts, so a dead first NameServer costs one timeout, not one per call. */
    private final AtomicInteger namesrvCursor = new AtomicInteger();

    AdminRemoting(RemotingClient remoting, List<String> namesrvAddrs, long timeoutMs) {
        this.remoting = remoting;
        this.namesrvAddrs = List.copyOf(namesrvAddrs);
        this.timeoutMs = timeoutMs;
    }

    List<String> namesrvAddrs() {
        return namesrvAddrs;
    }

    /** Sends to the NameServers in turn until one answers; returns the answer and who gave it. */
    Answer callNamesrv(String what, RemotingCommand request) {
        int start = Math.floorMod(namesrvCursor.get(), namesrvAddrs.size());
        Exception last = null;
        for (int i = 0; i < namesrvAddrs.size(); i++) {
            int index = (start + i) % namesrvAddrs.size();
            String addr = namesrvAddrs.get(index);
            try {
                RemotingCommand response = remoting.invokeSync(addr, request, timeoutMs);
                namesrvCursor.set(index);
                return new Answer(addr, response);
            } catch (RemotingException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException(what + " was interrupted", e);
            }
        }
        throw new NameServerUnavailableException(what, namesrvAddrs, last);
    }

    /** Sends to one NameServer (not the others) and waits. */
    RemotingCommand callNamesrvAt(String what, String addr, RemotingCommand request) {
        try {
            return remoting.invokeSync(addr, request, timeoutMs);
        } catch (RemotingException e) {
            throw new NameServerUnavailableException(what, List.of(addr), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(what + " to NameServer " + addr + " was interrupted", e);
        }
    }

    /** Sends to one broker and waits. */
    RemotingCommand callBroker(String what, String addr, RemotingCommand request) {
        try {
            return remoting.invokeSync(addr, request, timeoutMs);
        } catch (RemotingException e) {
            throw new BrokerUnavailableException(what, addr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(what + " to broker " + addr + " was interrupted", e);
        }
    }

    /**
     * Sends the same request to every address at once and waits for all answers, in the order given.
     *
     * @throws BrokerUnavailableException for the first address (in order) that did not answer
     */
    Map<String, RemotingCommand> callBrokers(String what, List<String> addrs, RemotingCommand request) {
        List<CompletableFuture<RemotingCommand>> futures = new ArrayList<>(addrs.size());
        for (String addr : addrs) {
            futures.add(remoting.invokeAsync(addr, request, timeoutMs));
        }
        Map<String, RemotingCommand> answers = new LinkedHashMap<>();
        for (int i = 0; i < addrs.size(); i++) {
            try {
                answers.put(addrs.get(i), futures.get(i).get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new BrokerUnavailableException(what, addrs.get(i), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException(what + " was interrupted", e);
            }
        }
        return answers;
    }

    /** @throws RequestFailedException unless {@code response} is SUCCESS */
    static RemotingCommand expectSuccess(String what, String addr, RemotingCommand response) {
        return ResponseCodes.expectSuccess(what, addr, null, response);
    }

    static boolean is(RemotingCommand response, ResponseCode code) {
        return response.code() == code.code();
    }

    /** A NameServer's answer and its address (for error messages). */
    record Answer(String address, RemotingCommand response) {
    }
}
