package io.tidemq.client.transaction;

import io.tidemq.client.producer.SendResult;

/**
 * What {@link TransactionProducer#sendMessageInTransaction} did.
 *
 * @param sendResult    where the half message was stored ({@code msgId} is the half's id)
 * @param localState    the local transaction's outcome, as sent to the broker
 * @param transactionId the message's unique id, which identifies the transaction on both sides
 * @param endDelivered  whether the broker acknowledged the decision; when {@code false} it learns the decision
 *                      by checking back
 */
public record TransactionSendResult(SendResult sendResult, LocalTransactionState localState, String transactionId,
                                    boolean endDelivered) {
}
