package io.tidemq.it.transaction;

import io.tidemq.client.transaction.LocalTransactionState;
import io.tidemq.client.transaction.TransactionListener;
import io.tidemq.client.transaction.TransactionProducer;
import io.tidemq.client.transaction.TransactionSendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.it.support.TestClients;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A transactional producer that never decides, run in its own JVM by {@link TransactionIT}: it sends
 * {@code count} transactional messages whose local transaction answers UNKNOWN (and so does every check-back
 * it gets), prints {@value #HALF_PREFIX}{@code <index> <transactionId>} for each and then {@value #DONE_LINE},
 * and waits to be killed.
 *
 * <p>Arguments: {@code namesrvAddr producerGroup topic count offsetDir} (offsetDir: the client's offset store
 * directory, which a producer does not write but the client configuration names).
 */
public final class UndecidedTransactionMain {

    static final String HALF_PREFIX = "HALF ";
    static final String DONE_LINE = "UNDECIDED HALVES SENT";

    private UndecidedTransactionMain() {
    }

    public static void main(String[] args) throws Exception {
        String namesrvAddr = args[0];
        String group = args[1];
        String topic = args[2];
        int count = Integer.parseInt(args[3]);
        Path offsetDir = Path.of(args[4]);
        TransactionListener undecided = new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.UNKNOWN;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.UNKNOWN;
            }
        };
        TransactionProducer producer = TransactionProducer.builder(group,
                TestClients.config(namesrvAddr, "doomed", offsetDir).build())
                .listener(undecided).build();
        producer.start();
        for (int i = 0; i < count; i++) {
            TransactionSendResult r = producer.sendMessageInTransaction(
                    Message.builder(topic).keys("orphan-" + i).body("orphan " + i).build(), null);
            if (r.localState() != LocalTransactionState.UNKNOWN) {
                throw new IllegalStateException("transaction " + r.transactionId() + " ended " + r.localState());
            }
            System.out.println(HALF_PREFIX + i + " " + r.transactionId());
        }
        System.out.println(DONE_LINE);
        System.out.flush();
        // the test ends this JVM with SIGKILL: the producer must not get to say anything more
        new CountDownLatch(1).await();
    }
}
