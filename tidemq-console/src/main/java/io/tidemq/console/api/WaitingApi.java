package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.protocol.body.WaitingMessages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/waiting}: what each master broker holds back (GET_WAITING_MESSAGES): delayed messages waiting in
 * its timer, per topic with the next ones due, and transactional half messages waiting for a decision (count,
 * oldest age, check-backs). Each part comes from a bounded scan on the broker and says when it stopped early.
 * Stateless.
 */
public final class WaitingApi {

    /**
     * One broker's answer.
     *
     * @param oldestHalfAgeMs how long the oldest half without a decision has waited; null when none waits
     */
    public record BrokerWaiting(String address, long nowMs, long scheduledTotal,
                                List<WaitingMessages.DelayedTopic> delayed, boolean delayedComplete,
                                String delayedNote, int halfWaiting, Long oldestHalfAgeMs,
                                List<WaitingMessages.WaitingHalf> halves, boolean halvesComplete, String halvesNote) {
    }

    /** Every broker's answer; {@code incomplete} when any scan stopped early. */
    public record Waiting(long scheduledTotal, int halfWaiting, boolean incomplete, List<BrokerWaiting> brokers) {
    }

    private final AdminClient admin;

    public WaitingApi(AdminClient admin) {
        this.admin = admin;
    }

    public void get(Context ctx) {
        List<BrokerWaiting> out = new ArrayList<>();
        long scheduled = 0;
        int halves = 0;
        boolean incomplete = false;
        for (Map.Entry<String, WaitingMessages> e : admin.waitingMessages(AdminTarget.all()).entrySet()) {
            WaitingMessages w = e.getValue();
            List<WaitingMessages.WaitingHalf> hs = w.halves() == null ? List.of() : w.halves();
            Long oldest = hs.isEmpty() ? null : Math.max(0, w.nowMs() - hs.get(0).storeTimestampMs());
            out.add(new BrokerWaiting(e.getKey(), w.nowMs(), w.scheduledTotal(),
                    w.delayed() == null ? List.of() : w.delayed(), w.delayedComplete(), w.delayedNote(),
                    w.halfWaiting(), oldest, hs, w.halvesComplete(), w.halvesNote()));
            scheduled += w.scheduledTotal();
            halves += w.halfWaiting();
            incomplete |= !w.delayedComplete() || !w.halvesComplete();
        }
        ctx.json(new Waiting(scheduled, halves, incomplete, out));
    }
}
