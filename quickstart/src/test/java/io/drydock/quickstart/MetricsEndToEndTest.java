package io.drydock.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.activities.legacy.DemoLegacyStorage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /actuator/prometheus} on the quick start's process: the Temporal SDK's series (through the Spring Boot
 * starter's meter registry) beside Drydock's own, which move when the import API is used; a scraper needs a token.
 */
class MetricsEndToEndTest {
  private static final String REPOSITORY = "metrics/app";
  private static DrydockStack stack;

  @BeforeAll
  static void startStack() {
    stack = DrydockStack.shared();
    DemoLegacyStorage.generateSynthetic(stack.legacyRoot, REPOSITORY, 2, 1);
  }

  @Test
  void prometheusListsTheTemporalSdksSeriesAndDrydocksAndTheImportCountersMove() {
    double startedBefore = value(scrape(), "drydock_imports_started_total\\{import_type=\"pre\"[^}]*}");
    double refusedBefore =
        value(scrape(), "drydock_api_refusals_total\\{code=\"INVALID_QUERY_PARAMETER_VALUE\",status=\"400\"[^}]*}");

    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=pre").statusCode())
        .isEqualTo(202);
    assertThat(stack.request("PUT", "/gitlab/v1/import/" + REPOSITORY + "/?import_type=bogus").statusCode())
        .isEqualTo(400);
    DrydockStack.await(
        () -> stack.migrationStatus(REPOSITORY),
        "pre_import_complete"::equals,
        Duration.ofSeconds(60),
        REPOSITORY + " to be pre-imported");

    String metrics = scrape();
    assertThat(metrics).contains("temporal_");
    assertThat(value(metrics, "drydock_imports_started_total\\{import_type=\"pre\"[^}]*}"))
        .isEqualTo(startedBefore + 1);
    assertThat(value(metrics, "drydock_api_refusals_total\\{code=\"INVALID_QUERY_PARAMETER_VALUE\",status=\"400\"[^}]*}"))
        .isGreaterThanOrEqualTo(refusedBefore + 1);
  }

  @Test
  void aScraperWithoutATokenIsRefused() {
    assertThat(stack.request("GET", "/actuator/prometheus", Optional.empty()).statusCode()).isEqualTo(401);
  }

  private static String scrape() {
    HttpResponse<String> answer = stack.request("GET", "/actuator/prometheus");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  /** The series' value, 0 when it is not there yet. */
  private static double value(String metrics, String series) {
    Matcher line = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }
}
