package io.tidemq.client.remoting;

import io.tidemq.client.RemotingFailedException;
import io.tidemq.common.protocol.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request layer tells a send that never left the client (the producer may retry it anywhere, even when it
 * must not store a message twice) from one whose outcome is unknown (issue 9 #4: the producer no longer reads
 * the transport's exception types).
 */
class ClientRemotingApiTest {

    private static final Headers.SendMessageRequest HEADER = new Headers.SendMessageRequest("pg", "orders", 0, 0,
            0L, 0, null, 0, false);

    private final ClientRemotingApi api = ClientRemotingApi.create(500, 1);
    /** Connections the silent server accepted; guarded by itself (the acceptor thread adds, the test closes). */
    private final List<Socket> accepted = new ArrayList<>();

    ClientRemotingApiTest() {
        api.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        api.shutdown();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aSendToAnAddressNobodyListensOnWasNeverSent() throws Exception {
        String dead = closedPort();

        assertThatThrownBy(() -> api.send(dead, HEADER, new byte[]{1}))
                .isInstanceOfSatisfying(RemotingFailedException.class, e -> {
                    assertThat(e.requestNotSent()).isTrue();
                    assertThat(e.address()).isEqualTo(dead);
                });
        assertThatThrownBy(() -> api.sendAsync(dead, HEADER, new byte[]{1}).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RemotingFailedException.class,
                        e -> assertThat(e.requestNotSent()).isTrue());
    }

    @Test
    void aSendThatGetsNoAnswerMayHaveBeenStored() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept(); // reads nothing, answers nothing
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            String addr = "127.0.0.1:" + silent.getLocalPort();

            assertThatThrownBy(() -> api.send(addr, HEADER, new byte[]{1}))
                    .isInstanceOfSatisfying(RemotingFailedException.class,
                            e -> assertThat(e.requestNotSent()).isFalse());
            assertThatThrownBy(() -> api.sendAsync(addr, HEADER, new byte[]{1}).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RemotingFailedException.class,
                            e -> assertThat(e.requestNotSent()).isFalse());
        }
    }

    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        } // closed: connections are refused
    }
}
