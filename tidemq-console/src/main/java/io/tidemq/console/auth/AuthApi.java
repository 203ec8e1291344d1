package io.tidemq.console.auth;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import io.tidemq.console.ApiException;

import java.util.Optional;

/**
 * Login, logout and the session check, and the guard in front of every other {@code /api/} route: a request
 * needs a live session cookie (unless the console runs insecure), and a request that changes something also
 * needs the {@value #CSRF_HEADER} header, which a page of another site cannot send. Stateless apart from the
 * sessions and the throttle, both thread-safe.
 */
public final class AuthApi {

    /** Sent by the console's own pages on every POST / DELETE. */
    public static final String CSRF_HEADER = "X-TideMQ-Console";

    /** The request attribute holding who made the request (set by {@link #guard}). */
    private static final String USER_ATTRIBUTE = "tidemq.user";
    private static final String ANONYMOUS = "anonymous (--insecure-console)";

    public record LoginRequest(String user, String password) {
    }

    /** What the page needs to know: whether it is logged in, as whom, and whether login is off. */
    public record SessionInfo(boolean loggedIn, String user, boolean insecure) {
    }

    private final UserStore users;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final boolean insecure;

    public AuthApi(UserStore users, Sessions sessions, LoginThrottle throttle, boolean insecure) {
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
        this.insecure = insecure;
    }

    /** The before-handler of {@code /api/*}. */
    public void guard(Context ctx) {
        String method = ctx.method().name();
        boolean changes = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
        if (changes && ctx.header(CSRF_HEADER) == null) {
            throw new ApiException(403, "requests that change something must carry the " + CSRF_HEADER
                    + " header (the console's pages send it)");
        }
        String path = ctx.path();
        if (insecure) {
            ctx.attribute(USER_ATTRIBUTE, ANONYMOUS);
            return;
        }
        if (path.equals("/api/login") || path.equals("/api/session")) {
            return;
        }
        Optional<String> user = currentUser(ctx);
        if (user.isEmpty()) {
            throw new ApiException(401, "log in first (POST /api/login)");
        }
        ctx.attribute(USER_ATTRIBUTE, user.get());
    }

    /** Who made this request, for audit records. */
    public static String user(Context ctx) {
        String u = ctx.attribute(USER_ATTRIBUTE);
        return u == null ? ANONYMOUS : u;
    }

    public void login(Context ctx) {
        LoginRequest r = ctx.bodyAsClass(LoginRequest.class);
        if (r.user() == null || r.password() == null) {
            throw ApiException.badRequest("give 'user' and 'password'");
        }
        if (insecure) {
            ctx.json(new SessionInfo(true, null, true));
            return;
        }
        if (!throttle.allows(r.user())) {
            throw new ApiException(429, "too many failed logins for '" + r.user() + "'; wait a minute and try again");
        }
        if (!users.verify(r.user(), r.password().toCharArray())) {
            throttle.failed(r.user());
            throw new ApiException(401, "wrong user name or password");
        }
        throttle.succeeded(r.user());
        Cookie cookie = new Cookie(Sessions.COOKIE, sessions.open(r.user()));
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setPath("/");
        cookie.setSecure(ctx.scheme().equals("https"));
        ctx.cookie(cookie);
        ctx.json(new SessionInfo(true, r.user(), false));
    }

    public void logout(Context ctx) {
        sessions.close(ctx.cookie(Sessions.COOKIE));
        ctx.removeCookie(Sessions.COOKIE, "/");
        ctx.json(new SessionInfo(false, null, insecure));
    }

    public void session(Context ctx) {
        Optional<String> user = currentUser(ctx);
        ctx.json(new SessionInfo(insecure || user.isPresent(), user.orElse(null), insecure));
    }

    private Optional<String> currentUser(Context ctx) {
        return users == null ? Optional.empty() : sessions.user(ctx.cookie(Sessions.COOKIE));
    }
}
