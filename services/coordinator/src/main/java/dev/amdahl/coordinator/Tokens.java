package dev.amdahl.coordinator;

import dev.amdahl.node.Logs;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * The API's access check: a bearer token in the {@code Authorization} header, or the cookie
 * the dashboard gets when it is opened once with {@code ?token=} (as Jupyter does). Tokens
 * are compared in constant time.
 */
final class Tokens {
  static final String COOKIE = "amdahl_token";
  private static final Logger LOG = Logs.logger(Tokens.class);

  private final byte[] token;

  private Tokens(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** The configured token, or a new random one that is logged so the user can find it. */
  static Tokens orGenerated(String configured) {
    if (configured != null) {
      return new Tokens(configured);
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String generated = HexFormat.of().formatHex(random);
    LOG.warning(() -> "AMDAHL_TOKEN is not set; this coordinator's API token is " + generated);
    return new Tokens(generated);
  }

  boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** Lets the request through if it carries the token; answers 401 otherwise. */
  void require(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (matches(bearer) || (cookie != null && matches(cookie.getValue()))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"amdahl\"");
    ApiError.send(ctx, 401, new JsonObject()
        .put("error", "missing or wrong token: send 'Authorization: Bearer <token>' (the token is AMDAHL_TOKEN,"
            + " printed by ./amdahl local), or open the dashboard once with ?token=<token>")
        .put("field", "authorization"));
  }

  /** {@code GET /?token=...}: a right token becomes a cookie, and the token leaves the address bar. */
  void exchange(RoutingContext ctx) {
    String candidate = ctx.request().getParam("token");
    if (candidate == null) {
      ctx.next();
      return;
    }
    if (!matches(candidate)) {
      ApiError.send(ctx, 401, new JsonObject().put("error", "wrong token in ?token=").put("field", "token"));
      return;
    }
    ctx.response().addCookie(Cookie.cookie(COOKIE, candidate).setHttpOnly(true).setPath("/")
        .setSameSite(io.vertx.core.http.CookieSameSite.STRICT));
    ctx.response().setStatusCode(303).putHeader("location", ctx.request().path()).end();
  }
}
