package io.drydock.activities.config;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code temporal} component of health and readiness: up while the Temporal frontend answers
 * GetSystemInfo. The call is made without the SDK's retries and with a short deadline, so a probe
 * learns of an unreachable server before its own timeout.
 */
public final class TemporalHealthIndicator extends AbstractHealthIndicator {
  private static final Duration DEADLINE = Duration.ofSeconds(2);

  private final WorkflowServiceStubs stubs;

  public TemporalHealthIndicator(WorkflowServiceStubs stubs) {
    super("the Temporal server does not answer");
    this.stubs = stubs;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.up().withDetail("serverVersion", serverVersion(stubs));
  }

  /** The server's version; throws the gRPC status when it does not answer within the deadline. */
  public static String serverVersion(WorkflowServiceStubs stubs) {
    return stubs
        .blockingStub()
        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
        .getServerVersion();
  }
}
