package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.console.ApiException;

/** Query-parameter parsing with messages naming the parameter. Stateless. */
final class Params {

    private Params() {
    }

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw ApiException.badRequest("'" + name + "' must be in [" + min + ", " + max + "], was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a whole number, was '" + v + "'");
        }
    }

    static long longParam(Context ctx, String name) {
        String v = required(ctx, name);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + name + "' must be a whole number, was '" + v + "'");
        }
    }

    static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest("give the query parameter '" + name + "'");
        }
        return v.trim();
    }

    static String optional(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
