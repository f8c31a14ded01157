package io.drydock.activities.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.drydock.activities.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The scan tables' connection, shared by the worker's writes ({@link ScanStore}) and the API's
 * reads ({@link ScanQueries}): every statement runs in a transaction under a statement timeout, and
 * a timeout is an exception, which the caller's retry policy retries; nothing is ever written or
 * answered in its place.
 */
final class ScanDatabase {
  /** Stored JSON with its maps' keys in order, so that equal values are equal text. */
  private static final ObjectWriter ORDERED =
      Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final long statementTimeoutMillis;

  ScanDatabase(DataSource dataSource, Duration statementTimeout) {
    this.jdbc = JdbcClient.create(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.statementTimeoutMillis = statementTimeout.toMillis();
  }

  /** An image manifest the registry holds, with its layer digests bottom first. */
  record ImageManifest(String digest, List<String> layers) {}

  Optional<ImageManifest> imageManifest(String digest) {
    return inTransaction(
        () ->
            jdbc.sql(
                    "SELECT payload FROM manifests WHERE digest = :digest AND config_digest IS NOT NULL"
                        + " ORDER BY id LIMIT 1")
                .param("digest", digest)
                .query((rs, n) -> new ImageManifest(digest, layersOf(rs.getBytes(1))))
                .optional());
  }

  /**
   * Runs {@code work} in a transaction whose statements each time out after the configured limit.
   */
  <T> T inTransaction(Supplier<T> work) {
    return transactions.execute(
        status -> {
          jdbc.sql("SELECT set_config('statement_timeout', :timeout, true)")
              .param("timeout", statementTimeoutMillis + "ms")
              .query(String.class)
              .single();
          return work.get();
        });
  }

  private static List<String> layersOf(byte[] payload) {
    JsonNode manifest;
    try {
      manifest = Json.MAPPER.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException("stored manifest payload is not JSON", e);
    }
    List<String> layers = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      layers.add(layer.path("digest").asText());
    }
    return layers;
  }

  static String write(Object value) {
    try {
      return ORDERED.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
    }
  }
}
