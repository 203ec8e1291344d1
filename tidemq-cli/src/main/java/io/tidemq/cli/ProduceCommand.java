package io.tidemq.cli;

import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.names.NameValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code tidemq produce}: sends {@code --count} generated messages, or one message per line of standard
 * input, and prints {@code msgId queueId queueOffset} for each acknowledged one.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends messages and prints one line per acknowledged message: msgId queueId queueOffset.",
                "With --count, sends N generated messages; without it, one message per line of standard input."},
        footer = {"", "Examples:",
                "  tidemq produce --namesrv 127.0.0.1:9876 --topic demo --count 10",
                "  echo 'hello' | tidemq produce --topic demo --key order-42 --tag created"})
public final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to send to.")
    String topic;

    @Option(names = "--count", paramLabel = "N",
            description = "Send N generated messages (default: read message bodies from standard input, one per line).")
    Integer count;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "Body size of generated messages (default: a short text naming the message's number).")
    Integer sizeBytes;

    @Option(names = "--key", paramLabel = "KEY", description = "Business key of every message (look it up with"
            + " `tidemq admin message get --key`).")
    String key;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag of every message (consumers filter on it).")
    String tag;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = "tidemq-cli-producer",
            description = "Producer group (default: ${DEFAULT-VALUE}).")
    String group;

    /** Where bodies come from without --count; tests replace it. */
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int sent = 0;
        try (Producer producer = Producer.builder(group, client.clientConfig("tidemq-cli")).build()) {
            producer.start();
            if (count != null) {
                byte[] generated = sizeBytes == null ? null : Payloads.filled(sizeBytes);
                for (int i = 0; i < count; i++) {
                    byte[] body = generated != null ? generated
                            : ("hello from tidemq #" + i).getBytes(StandardCharsets.UTF_8);
                    report(out, err, send(producer, body));
                    sent++;
                }
            } else {
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isEmpty()) {
                        report(out, err, send(producer, line.getBytes(StandardCharsets.UTF_8)));
                        sent++;
                    }
                }
            }
        }
        err.println("sent " + sent + " message(s) to topic " + topic);
        err.flush();
        return 0;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(cl, "--count must be at least 1, was " + count);
        }
        if (sizeBytes != null && (sizeBytes < 1 || sizeBytes > 64 << 20)) {
            throw new CommandLine.ParameterException(cl, "--size must be in [1, 67108864] bytes, was " + sizeBytes);
        }
        if (sizeBytes != null && count == null) {
            throw new CommandLine.ParameterException(cl, "--size needs --count (lines from standard input are sent as they are)");
        }
        // before connecting: a bad name is a usage error (exit 2, see CliErrors), as in admin topic create
        NameValidator.checkUserTopic(topic);
    }

    private SendResult send(Producer producer, byte[] body) {
        Message.Builder b = Message.builder(topic).body(body);
        if (key != null) {
            b.keys(key);
        }
        if (tag != null) {
            b.tag(tag);
        }
        Message m = b.build();
        return producer.send(m);
    }

    private static void report(PrintWriter out, PrintWriter err, SendResult r) {
        out.println(r.msgId() + " " + r.queue().queueId() + " " + r.queueOffset());
        out.flush();
        if (r.status() != SendStatus.SEND_OK) {
            err.println("warning: message " + r.msgId() + " is stored but " + r.status()
                    + ": it is not as durable as the broker is configured to guarantee");
        }
    }
}
