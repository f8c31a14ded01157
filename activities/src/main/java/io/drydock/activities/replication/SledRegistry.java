package io.drydock.activities.replication;

import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The sleds artifacts are replicated to, and the only source of the addresses Drydock sends sled
 * requests to: callers name a sled by id and the URL is looked up here at call time (a URL from a
 * request or a workflow's input would be a server-side request forgery). Registered from
 * configuration at start-up and by operators.
 */
public final class SledRegistry {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int MAX_URL_LENGTH = 2048;
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final int MAX_PORT = 65535;
  private static final String COLUMNS =
      "id, base_url, coalesce(depot_url, base_url) AS depot_url, state, created_at, updated_at";

  private final JdbcClient jdbc;

  public SledRegistry(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  /** What is wrong with a sled id, if anything. */
  public static Optional<String> idProblem(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.of(
          "a sled id is 1 to 63 lower-case letters, digits and '-', starting with a letter or digit: "
              + StoredText.printable(id));
    }
    return Optional.empty();
  }

  /**
   * What is wrong with a sled's base URL, if anything: text {@link StoredText} accepts, http(s), a
   * host, a port from 1 to 65535 if one is given, no user info, query or fragment.
   */
  public static Optional<String> baseUrlProblem(String baseUrl) {
    return urlProblem("base_url", baseUrl);
  }

  /** What is wrong with a sled's depot URL, if anything: the rules of {@link #baseUrlProblem}. */
  public static Optional<String> depotUrlProblem(String depotUrl) {
    return urlProblem("depot_url", depotUrl);
  }

  private static Optional<String> urlProblem(String field, String url) {
    if (url == null || url.isBlank()) {
      return Optional.of(field + " is required");
    }
    if (url.length() > MAX_URL_LENGTH) {
      return Optional.of(field + " is longer than " + MAX_URL_LENGTH + " characters");
    }
    Optional<String> textProblem = StoredText.problem(field, url);
    if (textProblem.isPresent()) {
      return textProblem;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of(field + " is not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of(field + " must be an http or https URL: " + url);
    }
    if (uri.getRawUserInfo() != null
        || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
      return Optional.of(field + " must not hold user info: " + url);
    }
    Optional<String> portProblem = portProblem(field, uri.getRawAuthority());
    if (portProblem.isPresent()) {
      return Optional.of(portProblem.get() + ": " + url);
    }
    if (uri.getHost() == null) {
      return Optional.of(field + " needs a host name or address: " + url);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of(field + " must not have a query or fragment: " + url);
    }
    return Optional.empty();
  }

  /**
   * What is wrong with the port of an authority without user info, if anything. {@link URI} takes
   * any digits as a port, and takes an authority whose port is empty or not a number as one without
   * a host.
   */
  private static Optional<String> portProblem(String field, String authority) {
    if (authority == null) {
      return Optional.empty();
    }
    int colon = authority.indexOf(':', authority.lastIndexOf(']') + 1);
    if (colon < 0) {
      return Optional.empty();
    }
    String port = authority.substring(colon + 1);
    if (!PORT.matcher(port).matches()
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > MAX_PORT) {
      return Optional.of(
          field + "'s port must be a number from 1 to " + MAX_PORT + ", not '" + port + "'");
    }
    return Optional.empty();
  }

  /** The form a valid base or depot URL is stored in: lower-case scheme, no trailing slash. */
  static String normalizedUrl(String url) {
    URI uri = URI.create(url);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path;
  }

  public enum Registration {
    CREATED,
    UPDATED,
    /** The id belongs to an expunged sled, which never comes back; nothing was changed. */
    EXPUNGED
  }

  /**
   * Registers the sled, or changes its URLs. The arguments must be valid ({@link #idProblem},
   * {@link #baseUrlProblem}, {@link #depotUrlProblem}); a null {@code depotUrl} means the depot
   * answers at the base URL, whatever it becomes.
   */
  public Registration register(String id, String baseUrl, String depotUrl) {
    requireValid(idProblem(id));
    requireValid(baseUrlProblem(baseUrl));
    if (depotUrl != null) {
      requireValid(depotUrlProblem(depotUrl));
    }
    return jdbc.sql(
            """
            INSERT INTO sleds (id, base_url, depot_url) VALUES (:id, :url, :depot)
            ON CONFLICT (id) DO UPDATE SET base_url = EXCLUDED.base_url, depot_url = EXCLUDED.depot_url,
                                           updated_at = now()
             WHERE sleds.state = 'in_service'
            RETURNING (xmax = 0) AS created""")
        .param("id", id)
        .param("url", normalizedUrl(baseUrl))
        .param("depot", depotUrl == null ? null : normalizedUrl(depotUrl))
        .query((rs, row) -> rs.getBoolean("created") ? Registration.CREATED : Registration.UPDATED)
        .optional()
        .orElse(Registration.EXPUNGED);
  }

  /** Takes the sled out of service for good. Empty when no such sled is registered. */
  public Optional<Sled> expunge(String id) {
    jdbc.sql(
            "UPDATE sleds SET state = 'expunged', updated_at = now() WHERE id = :id AND state = 'in_service'")
        .param("id", id)
        .update();
    return find(id);
  }

  public Optional<Sled> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM sleds WHERE id = :id")
        .param("id", id)
        .query(SledRegistry::sled)
        .optional();
  }

  /** Every registered sled, expunged ones included, by id. */
  public List<Sled> list() {
    return jdbc.sql("SELECT " + COLUMNS + " FROM sleds ORDER BY id COLLATE \"C\"")
        .query(SledRegistry::sled)
        .list();
  }

  public List<Sled> inService() {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM sleds WHERE state = 'in_service' ORDER BY id COLLATE \"C\"")
        .query(SledRegistry::sled)
        .list();
  }

  /** The registered base URL of an in-service sled; empty for an unknown or expunged id. */
  public Optional<String> inServiceBaseUrl(String id) {
    return jdbc.sql("SELECT base_url FROM sleds WHERE id = :id AND state = 'in_service'")
        .param("id", id)
        .query(String.class)
        .optional();
  }

  /**
   * The registered depot URL of an in-service sled (its base URL when none was given), which other
   * sleds are told to copy from; empty for an unknown or expunged id.
   */
  public Optional<String> inServiceDepotUrl(String id) {
    return jdbc.sql(
            "SELECT coalesce(depot_url, base_url) FROM sleds WHERE id = :id AND state = 'in_service'")
        .param("id", id)
        .query(String.class)
        .optional();
  }

  private static void requireValid(Optional<String> problem) {
    problem.ifPresent(
        message -> {
          throw new IllegalArgumentException(message);
        });
  }

  private static Sled sled(ResultSet rs, int row) throws SQLException {
    return new Sled(
        rs.getString("id"),
        rs.getString("base_url"),
        rs.getString("depot_url"),
        Sled.State.fromWireValue(rs.getString("state")),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
