package io.tidemq.cli;

import io.tidemq.common.json.Json;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.client.ControllerServiceClient;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Options of the {@code tidemq admin} commands that talk to the failover controller. */
final class ControllerOptions {
    @Option(names = "--controller", paramLabel = "HOST:PORT[,HOST:PORT...]", required = true,
            description = "Controller peers (their controllerListenPort); the first that answers is used.")
    String controllers;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--json", description = "Print machine-readable JSON instead of tables.")
    boolean json;

    interface Call<T> {
        T run(ControllerServiceClient client, String address) throws ControllerUnavailableException;
    }

    /** Runs {@code call} against each peer in turn until one answers. */
    <T> T firstAnswer(Call<T> call) throws ControllerUnavailableException {
        List<String> failures = new ArrayList<>();
        try (ControllerServiceClient client = new ControllerServiceClient(timeoutMs)) {
            for (String raw : controllers.split(",")) {
                String address = raw.trim();
                try {
                    return call.run(client, address);
                } catch (ControllerUnavailableException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        throw new ControllerUnavailableException("no controller peer answered: " + String.join("; ", failures)
                + " (check --controller and that a majority of peers runs)", null);
    }

    void print(PrintWriter out, Object value, String text) {
        out.print(json ? Json.toPrettyString(value) + System.lineSeparator() : text);
        out.flush();
    }
}
