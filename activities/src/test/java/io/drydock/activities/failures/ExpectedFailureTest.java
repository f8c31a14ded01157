package io.drydock.activities.failures;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An expected failure (a superseded rescan, a fenced-out import) is one log line, where the SDK
 * logged every activity failure as a warning with its stack trace: about 550 of them in 22 minutes
 * of shared-manifest rescans.
 */
class ExpectedFailureTest {
  private static final String QUEUE = "expected-failure-test";
  private static final org.slf4j.Logger ACTIVITY_LOG =
      LoggerFactory.getLogger("drydock.test.activity");

  @ActivityInterface
  public interface Failing {
    void expected();

    void unexpected();
  }

  @WorkflowInterface
  public interface Caller {
    @WorkflowMethod
    String call(boolean expected);
  }

  public static final class FailingImpl implements Failing {
    @Override
    public void expected() {
      throw ExpectedFailure.of(
          ACTIVITY_LOG, "ScanSuperseded", "sha256:ab… was taken over by a newer run");
    }

    @Override
    public void unexpected() {
      throw ApplicationFailure.newNonRetryableFailure("disk on fire", "Unexpected");
    }
  }

  public static final class CallerImpl implements Caller {
    private final Failing failing =
        Workflow.newActivityStub(
            Failing.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

    @Override
    public String call(boolean expected) {
      try {
        if (expected) {
          failing.expected();
        } else {
          failing.unexpected();
        }
        return "no failure";
      } catch (ActivityFailure failure) {
        return ((ApplicationFailure) failure.getCause()).getType();
      }
    }
  }

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private TestWorkflowEnvironment environment;
  private Caller caller;

  @BeforeEach
  void start() {
    logged.start();
    root.addAppender(logged);
    environment = TestWorkflowEnvironment.newInstance();
    Worker worker = environment.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(CallerImpl.class);
    worker.registerActivitiesImplementations(new FailingImpl());
    environment.start();
    caller =
        environment
            .getWorkflowClient()
            .newWorkflowStub(
                Caller.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
  }

  @AfterEach
  void stop() {
    environment.close();
    root.detachAppender(logged);
  }

  @Test
  void anExpectedFailureIsOneInfoLineWithoutAStackTrace() {
    assertThat(caller.call(true)).isEqualTo("ScanSuperseded");

    List<ILoggingEvent> lines = aboveDebug();
    assertThat(lines)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("ScanSuperseded: sha256:ab… was taken over by a newer run");
    assertThat(lines).allSatisfy(line -> assertThat(line.getThrowableProxy()).isNull());
  }

  /**
   * What the test guards against: without the benign category the SDK logs the failure with its
   * stack trace.
   */
  @Test
  void anUnexpectedFailureStillWarnsWithItsStackTrace() {
    assertThat(caller.call(false)).isEqualTo("Unexpected");

    assertThat(aboveDebug())
        .anySatisfy(
            line -> {
              assertThat(line.getLevel()).isEqualTo(Level.WARN);
              assertThat(line.getThrowableProxy()).isNotNull();
            });
  }

  private List<ILoggingEvent> aboveDebug() {
    return logged.list.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
        .filter(
            event ->
                event.getLoggerName().startsWith("io.temporal.internal.activity")
                    || event.getLoggerName().equals(ACTIVITY_LOG.getName()))
        .toList();
  }
}
