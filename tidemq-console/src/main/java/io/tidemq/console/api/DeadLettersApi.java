package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.ClientException;
import io.tidemq.client.admin.MessageNotFoundException;
import io.tidemq.console.ApiException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A group's dead letters: {@code GET /api/groups/{group}/dead-letters?max=} lists them (bounded, saying when it
 * stopped early); {@code POST /api/groups/{group}/dead-letters/resend} with {@code {"ids": [...]}} puts each one
 * back into {@code %RETRY%<group>} and answers one outcome per id: RESENT (with the broker), NOT_FOUND, or
 * FAILED (with the reason). A failure of one id does not stop the others. Stateless.
 */
public final class DeadLettersApi {

    static final int MAX_LIST = 256;
    static final int MAX_RESEND_IDS = 1_000;

    public record ResendRequest(List<String> ids) {
    }

    /** One id's outcome: RESENT, NOT_FOUND or FAILED. */
    public record Outcome(String msgId, String outcome, String broker, String error) {
    }

    public record ResendResult(String group, int resent, int failed, List<Outcome> outcomes) {
    }

    private final AdminClient admin;

    public DeadLettersApi(AdminClient admin) {
        this.admin = admin;
    }

    public void list(Context ctx) {
        int max = Params.intParam(ctx, "max", 50, 1, MAX_LIST);
        ctx.json(MessagesApi.bounded(admin.deadLetters(ctx.pathParam("group"), max), max, "dead letters"));
    }

    public void resend(Context ctx) {
        String group = ctx.pathParam("group");
        ResendRequest r = ctx.bodyAsClass(ResendRequest.class);
        if (r.ids() == null || r.ids().isEmpty()) {
            throw ApiException.badRequest("give the message ids to resend in 'ids'");
        }
        if (r.ids().size() > MAX_RESEND_IDS) {
            throw ApiException.badRequest("at most " + MAX_RESEND_IDS + " ids per resend, was " + r.ids().size());
        }
        List<Outcome> outcomes = new ArrayList<>();
        int resent = 0;
        for (String id : new LinkedHashSet<>(r.ids())) { // an id given twice is resent once
            try {
                outcomes.add(new Outcome(id, "RESENT", admin.resendDeadLetter(group, id.trim()), null));
                resent++;
            } catch (MessageNotFoundException e) {
                outcomes.add(new Outcome(id, "NOT_FOUND", null, e.getMessage()));
            } catch (ClientException | IllegalArgumentException e) {
                outcomes.add(new Outcome(id, "FAILED", null, e.getMessage()));
            }
        }
        ctx.json(new ResendResult(group, resent, outcomes.size() - resent, outcomes));
    }
}
