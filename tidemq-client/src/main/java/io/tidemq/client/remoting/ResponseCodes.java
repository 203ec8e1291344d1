package io.tidemq.client.remoting;

import io.tidemq.client.BrokerDiskFullException;
import io.tidemq.client.ClientException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * The one table from a failed answer's response code to the exception the SDK throws (producers, consumers
 * and the admin client alike). Each code maps to exactly one type:
 *
 * <table>
 *   <caption>response code → exception</caption>
 *   <tr><th>code</th><th>on a send</th><th>on any other request</th></tr>
 *   <tr><td>DISK_FULL</td><td>{@link BrokerDiskFullException}</td><td>{@link RequestFailedException}</td></tr>
 *   <tr><td>TOPIC_NOT_EXIST</td><td>{@link SendFailedException}</td>
 *       <td>{@link TopicNotFoundException} (when the request names a topic)</td></tr>
 *   <tr><td>any other code but SUCCESS</td><td>{@link SendFailedException} with the code and the remark</td>
 *       <td>{@link RequestFailedException} with the code and the remark</td></tr>
 * </table>
 *
 * <p>A send is its own column because the producer decides from the code whether to try another broker
 * ({@link SendFailedException#isRetriable()}): a topic missing on one broker is retried elsewhere, and what
 * the application catches is the last attempt's failure, with its code. FLUSH_DISK_TIMEOUT,
 * FLUSH_SLAVE_TIMEOUT and SLAVE_NOT_AVAILABLE answer a send whose message was stored: a result, not an
 * exception. Codes that mean "nothing here" on a request that asks several servers (QUERY_NOT_FOUND,
 * OFFSET_NOT_FOUND, SUBSCRIPTION_GROUP_NOT_EXIST, TOPIC_NOT_EXIST on a fan-out) are absent results of the
 * typed calls, never exceptions; the admin client turns "absent everywhere" into its not-found exceptions.
 * Transport failures (no answer) are {@code RemotingFailedException}, and for the admin client's calls
 * {@code BrokerUnavailableException} or {@code NameServerUnavailableException}.
 */
public final class ResponseCodes {

    private ResponseCodes() {
    }

    /**
     * The exception for a failed answer.
     *
     * @param what  the request, for the message ("offset commit of group g for q")
     * @param addr  the server that answered
     * @param topic the topic the request is about, or {@code null}
     */
    public static ClientException toException(String what, String addr, String topic, int code, String remark) {
        if (code == ResponseCode.TOPIC_NOT_EXIST.code() && topic != null) {
            return new TopicNotFoundException(topic, addr);
        }
        return new RequestFailedException(what, addr, code, remark);
    }

    /**
     * The exception for a refused send.
     *
     * @param broker the broker, as the message names it ("broker-a (127.0.0.1:10911)")
     */
    public static SendFailedException toSendException(String topic, String broker, int code, String remark) {
        if (code == ResponseCode.DISK_FULL.code()) {
            return new BrokerDiskFullException(topic, broker, remark);
        }
        return new SendFailedException(topic, broker, code, remark);
    }

    /** {@code response} when it is SUCCESS; otherwise throws {@link #toException} for it. */
    public static RemotingCommand expectSuccess(String what, String addr, String topic, RemotingCommand response) {
        if (response.code() != ResponseCode.SUCCESS.code()) {
            throw toException(what, addr, topic, response.code(), response.remark());
        }
        return response;
    }
}
