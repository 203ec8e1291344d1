package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.OffsetResetPlan;
import io.tidemq.client.admin.OffsetResetSpec;
import io.tidemq.console.ApiException;
import io.tidemq.console.AuditLog;
import io.tidemq.console.auth.AuthApi;

import java.util.List;
import java.util.Locale;

/**
 * Offset reset in two steps: {@code POST /api/groups/{group}/offset-reset/plan} answers the dry-run table (old →
 * new offset of every queue of the topic, the messages each move covers), changing nothing;
 * {@code POST /api/groups/{group}/offset-reset/execute} applies it, only with {@code confirm} equal to the group's
 * name, refused while the group has members online unless {@code force}, and writes an audit record. Stateless
 * apart from the audit log.
 */
public final class OffsetResetApi {

    /**
     * A reset.
     *
     * @param topic   the topic whose queues move
     * @param to      earliest, latest, offset, time (epoch millis in {@code value}), duration (millis back from
     *                now in {@code value}) or shift (signed, in {@code value})
     * @param value   see {@code to}; unused for earliest and latest
     * @param confirm for execute: the group's name, typed
     * @param force   for execute: apply even while members are online
     */
    public record ResetRequest(String topic, String to, Long value, String confirm, Boolean force) {
    }

    /**
     * A dry run or an executed reset.
     *
     * @param changedQueues how many queues move
     * @param rows          one per queue: min/max offset, committed offset before (-1: never committed), offset
     *                      after, the messages the move covers ({@code messageDelta}: positive read again, negative
     *                      skipped) and the lag after
     */
    public record PlanView(String group, String topic, List<String> onlineMembers, boolean executed, int changedQueues,
                           List<OffsetResetPlan.Row> rows) {

        static PlanView of(OffsetResetPlan p) {
            return new PlanView(p.group(), p.topic(), p.onlineMembers(), p.executed(), p.changedQueues(), p.rows());
        }
    }

    private final AdminClient admin;
    private final AuditLog audit;

    public OffsetResetApi(AdminClient admin, AuditLog audit) {
        this.admin = admin;
        this.audit = audit;
    }

    public void plan(Context ctx) {
        String group = ctx.pathParam("group");
        ResetRequest r = ctx.bodyAsClass(ResetRequest.class);
        ctx.json(PlanView.of(admin.planOffsetReset(group, topic(r), spec(r))));
    }

    public void execute(Context ctx) {
        String group = ctx.pathParam("group");
        ResetRequest r = ctx.bodyAsClass(ResetRequest.class);
        if (!group.equals(r.confirm())) {
            throw ApiException.badRequest("type the group's name '" + group + "' in 'confirm' to reset its offsets"
                    + " (look at the dry run first: POST /api/groups/" + group + "/offset-reset/plan)");
        }
        OffsetResetSpec spec = spec(r);
        OffsetResetPlan done = admin.resetOffsets(group, topic(r), spec, Boolean.TRUE.equals(r.force()));
        audit.record(AuthApi.user(ctx), "offset reset of group " + group + " on topic " + done.topic() + " to "
                + describe(spec) + (Boolean.TRUE.equals(r.force()) ? " (forced)" : "") + ": " + done.changedQueues()
                + " queue(s) moved", PlanView.of(done));
        ctx.json(PlanView.of(done));
    }

    private static String topic(ResetRequest r) {
        if (r.topic() == null || r.topic().isBlank()) {
            throw ApiException.badRequest("give the topic whose offsets to reset in 'topic'");
        }
        return r.topic().trim();
    }

    static OffsetResetSpec spec(ResetRequest r) {
        String to = r.to() == null ? "" : r.to().trim().toLowerCase(Locale.ROOT);
        return switch (to) {
            case "earliest" -> OffsetResetSpec.earliest();
            case "latest" -> OffsetResetSpec.latest();
            case "offset" -> OffsetResetSpec.offset(value(r));
            case "time" -> OffsetResetSpec.time(value(r));
            case "duration" -> OffsetResetSpec.duration(java.time.Duration.ofMillis(value(r)));
            case "shift" -> OffsetResetSpec.shift(value(r));
            default -> throw ApiException.badRequest("'to' must be earliest, latest, offset, time, duration or shift;"
                    + " was '" + r.to() + "'");
        };
    }

    private static long value(ResetRequest r) {
        if (r.value() == null) {
            throw ApiException.badRequest("a reset to '" + r.to() + "' needs 'value'");
        }
        return r.value();
    }

    private static String describe(OffsetResetSpec s) {
        String kind = s.kind().name().toLowerCase(Locale.ROOT);
        return switch (s.kind()) {
            case EARLIEST, LATEST, FILE -> kind;
            default -> kind + " " + s.value();
        };
    }
}
