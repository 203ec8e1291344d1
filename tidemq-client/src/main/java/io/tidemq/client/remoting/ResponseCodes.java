package io.tidemq.client.remoting;

import io.tidemq.client.ClientException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * The one table from a failed answer's response code to the exception the SDK throws, for every request but
 * a send (a failed send is a {@code SendFailedException} carrying the code, because the producer decides from
 * it whether to try another broker). Each code maps to exactly one type:
 *
 * <table>
 *   <caption>response code → exception</caption>
 *   <tr><th>code</th><th>exception</th></tr>
 *   <tr><td>TOPIC_NOT_EXIST</td><td>{@link TopicNotFoundException} (when the request names a topic)</td></tr>
 *   <tr><td>any other code but SUCCESS</td><td>{@link RequestFailedException} with the code and the remark</td></tr>
 * </table>
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

    /** {@code response} when it is SUCCESS; otherwise throws {@link #toException} for it. */
    public static RemotingCommand expectSuccess(String what, String addr, String topic, RemotingCommand response) {
        if (response.code() != ResponseCode.SUCCESS.code()) {
            throw toException(what, addr, topic, response.code(), response.remark());
        }
        return response;
    }
}
