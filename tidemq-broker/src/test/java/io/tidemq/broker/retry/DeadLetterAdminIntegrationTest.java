package io.tidemq.broker.retry;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeadLetterAdminIntegrationTest {

    private static final String GROUP = "billing";
    private static final String RETRY = "%RETRY%billing";

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 1);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    static List<MessageExt> listDlq(BrokerFixture fx, String group) {
        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqMessagesRequest(group, -1, 100)));
        assertThat(r.code()).as(r.toString()).isZero();
        return BrokerFixture.messages(r);
    }

    /** Sends {@code n} messages and dead-letters each of them straight away. */
    private List<MessageExt> deadLetter(int n) {
        List<MessageExt> originals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fx.sendOk("orders", 0, "m" + i, Map.of(MessageConst.UNIQ_KEY, "U" + i));
        }
        // the dispatcher indexes the sends shortly after they are acknowledged
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            RemotingCommand pulled = fx.pull(GROUP, "orders", 0, 0, n, "*");
            originals.clear();
            originals.addAll(BrokerFixture.messages(pulled));
            return originals.size() == n;
        });
        for (MessageExt m : originals) {
            RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                    .writeHeader(new Headers.ConsumerSendMsgBackRequest(GROUP, m.commitLogOffset(), null, "orders", 16,
                            true)));
            assertThat(r.code()).as(r.toString()).isZero();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> listDlq(fx, GROUP).size() == n);
        return originals;
    }

    private RemotingCommand resend(String msgId) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.RESEND_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqResendRequest(GROUP, msgId)));
    }

    private List<MessageExt> retryTopic() {
        RemotingCommand r = fx.pull(GROUP, RETRY, 0, 0, 100, "*");
        return r.code() == ResponseCode.SUCCESS.code() ? BrokerFixture.messages(r) : List.of();
    }

    @Test
    void listingPagesThroughTheDeadLetterQueueFromAnOffset() {
        deadLetter(3);

        RemotingCommand page = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqMessagesRequest(GROUP, 1, 1)));

        assertThat(page.code()).isZero();
        assertThat(BrokerFixture.messages(page)).extracting(MessageExt::uniqueId).containsExactly("U1");
        Headers.PullMessageResponse h = page.readHeader(Headers.PullMessageResponse.class);
        assertThat(h.nextBeginOffset()).isEqualTo(2);
        assertThat(h.maxOffset()).isEqualTo(3);
    }

    @Test
    void oneDeadLetterIsResentByIdToTheRetryTopicWithItsCountReset() {
        deadLetter(2);
        MessageExt second = listDlq(fx, GROUP).get(1);

        RemotingCommand r = resend(second.msgId());

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.readHeader(Headers.DlqResendResponse.class).resent()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> retryTopic().size() == 1);
        MessageExt resent = retryTopic().get(0);
        assertThat(resent.uniqueId()).isEqualTo("U1");
        assertThat(resent.reconsumeTimes()).isZero();
        assertThat(resent.property(MessageConst.ORIGIN_TOPIC)).isEqualTo("orders");
    }

    @Test
    void resendingAllTwiceResendsEachDeadLetterOnce() {
        deadLetter(3);

        RemotingCommand first = resend(null);
        RemotingCommand second = resend(null);

        assertThat(first.readHeader(Headers.DlqResendResponse.class)).isEqualTo(new Headers.DlqResendResponse(3, 0));
        assertThat(second.readHeader(Headers.DlqResendResponse.class)).isEqualTo(new Headers.DlqResendResponse(0, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> retryTopic().size() == 3);
        assertThat(retryTopic()).extracting(MessageExt::uniqueId).containsExactly("U0", "U1", "U2");
    }

    @Test
    void resendingAllSkipsDeadLettersAlreadyResentByIdEvenAfterARestart() {
        deadLetter(4);
        List<MessageExt> dlq = listDlq(fx, GROUP);
        assertThat(resend(dlq.get(1).msgId()).code()).isZero();
        assertThat(resend(dlq.get(3).msgId()).code()).isZero();
        fx.restartBroker();

        RemotingCommand all = resend(null);
        RemotingCommand again = resend(null);

        assertThat(all.readHeader(Headers.DlqResendResponse.class)).isEqualTo(new Headers.DlqResendResponse(2, 0));
        assertThat(again.readHeader(Headers.DlqResendResponse.class)).isEqualTo(new Headers.DlqResendResponse(0, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> retryTopic().size() >= 4);
        assertThat(retryTopic()).extracting(MessageExt::uniqueId).containsExactlyInAnyOrder("U0", "U1", "U2", "U3");
    }

    @Test
    void unknownGroupsAndIdsOutsideTheQueueAreAnsweredClearly() {
        List<MessageExt> originals = deadLetter(1);

        RemotingCommand unknownGroup = fx.invoke(RemotingCommand.createRequest(RequestCode.GET_DLQ_MESSAGES)
                .writeHeader(new Headers.DlqMessagesRequest("nobody", -1, 10)));
        RemotingCommand notInDlq = resend(originals.get(0).msgId());

        assertThat(unknownGroup.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST.code());
        assertThat(unknownGroup.remark()).contains("no dead-letter queue");
        assertThat(notInDlq.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());
        assertThat(notInDlq.remark()).contains("not in the dead-letter queue");
    }
}
