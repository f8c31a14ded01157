package io.drydock.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TemporalTestServerTest {

  private static final Map<String, IndexedValueType> ATTRIBUTES =
      Map.of(
          "RepositoryPath", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          "AttemptCount", IndexedValueType.INDEXED_VALUE_TYPE_INT);
  private static final SearchAttributeKey<String> REPOSITORY_PATH =
      SearchAttributeKey.forKeyword("RepositoryPath");

  @Test
  void sharedServerServesTheDefaultNamespaceWithTheSearchAttributes() {
    TemporalTestServer server = TemporalTestServer.shared(ATTRIBUTES);
    assertSame(server, TemporalTestServer.shared(Map.copyOf(ATTRIBUTES)));
    assertThrows(IllegalStateException.class, () -> TemporalTestServer.shared(Map.of()));
    assertThrows(IllegalStateException.class, server::close);

    WorkflowServiceStubs stubs = connect(server);
    try {
      assertEquals(
          "default",
          stubs
              .blockingStub()
              .describeNamespace(
                  DescribeNamespaceRequest.newBuilder().setNamespace(server.namespace()).build())
              .getNamespaceInfo()
              .getName());
      WorkflowStub workflow = startWorkflowTaggedWith(stubs, server, "demo/debian");
      assertEquals(
          "demo/debian", workflow.describe().getTypedSearchAttributes().get(REPOSITORY_PATH));

      if (server.searchAttributesSupported()) {
        assertTrue(server.uiUrl().isPresent());
        assertTrue(listedAttributes(stubs, server).entrySet().containsAll(ATTRIBUTES.entrySet()));
        assertFoundByQuery(stubs, server, "RepositoryPath = \"demo/debian\"");
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void javaTestServerFallbackRegistersTheSearchAttributes() {
    try (TemporalTestServer server = TemporalTestServer.startJavaTestServer(ATTRIBUTES)) {
      assertFalse(server.isRealServer());
      assertFalse(server.searchAttributesSupported());
      assertTrue(server.uiUrl().isEmpty());
      WorkflowServiceStubs stubs = connect(server);
      try {
        WorkflowStub workflow = startWorkflowTaggedWith(stubs, server, "demo/alpine");
        assertEquals(
            "demo/alpine", workflow.describe().getTypedSearchAttributes().get(REPOSITORY_PATH));
      } finally {
        stubs.shutdownNow();
      }
    }
  }

  /**
   * An outage and its end: the port refuses, then answers again, and the dev server still has its
   * workflows.
   */
  @Test
  void aServerStoppedKeepingItsPortAnswersThereAgainOnceRestarted() {
    try (TemporalTestServer server = TemporalTestServer.start(ATTRIBUTES)) {
      assertAnswersAgainOnceRestarted(server);
    }
  }

  @Test
  void theJavaTestServerFallbackStoppedKeepingItsPortAnswersThereAgainOnceRestarted() {
    try (TemporalTestServer server = TemporalTestServer.startJavaTestServer(ATTRIBUTES)) {
      assertAnswersAgainOnceRestarted(server);
    }
  }

  private static void assertAnswersAgainOnceRestarted(TemporalTestServer server) {
    WorkflowServiceStubs stubs = connect(server);
    try {
      WorkflowStub workflow = startWorkflowTaggedWith(stubs, server, "demo/outage");

      server.stopKeepingPort();
      assertThrows(StatusRuntimeException.class, () -> describeNamespace(stubs, server, false));
      server.restart();

      // The client's channel reconnects after its backoff: the call waits for it, as the SDK's
      // retries would.
      assertEquals("default", describeNamespace(stubs, server, true));
      if (server.isRealServer()) {
        assertEquals(
            "demo/outage", workflow.describe().getTypedSearchAttributes().get(REPOSITORY_PATH));
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  private static String describeNamespace(
      WorkflowServiceStubs stubs, TemporalTestServer server, boolean waitForConnection) {
    WorkflowServiceGrpc.WorkflowServiceBlockingStub stub =
        stubs.blockingStub().withDeadlineAfter(30, TimeUnit.SECONDS);
    return (waitForConnection ? stub.withWaitForReady() : stub)
        .describeNamespace(
            DescribeNamespaceRequest.newBuilder().setNamespace(server.namespace()).build())
        .getNamespaceInfo()
        .getName();
  }

  private static WorkflowServiceStubs connect(TemporalTestServer server) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
  }

  private static WorkflowClient client(WorkflowServiceStubs stubs, TemporalTestServer server) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(server.namespace()).build());
  }

  /**
   * No worker polls the task queue: the workflow stays running, which is all describe and list
   * need.
   */
  private static WorkflowStub startWorkflowTaggedWith(
      WorkflowServiceStubs stubs, TemporalTestServer server, String repositoryPath) {
    WorkflowStub workflow =
        client(stubs, server)
            .newUntypedWorkflowStub(
                "Demo",
                WorkflowOptions.newBuilder()
                    .setWorkflowId("pre-import/" + repositoryPath)
                    .setTaskQueue("test-support")
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder().set(REPOSITORY_PATH, repositoryPath).build())
                    .build());
    workflow.start();
    return workflow;
  }

  private static Map<String, IndexedValueType> listedAttributes(
      WorkflowServiceStubs stubs, TemporalTestServer server) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(stubs.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      return operator
          .blockingStub()
          .listSearchAttributes(
              ListSearchAttributesRequest.newBuilder().setNamespace(server.namespace()).build())
          .getCustomAttributesMap();
    } finally {
      operator.shutdownNow();
    }
  }

  /** Visibility is eventually consistent, so the query is retried for a few seconds. */
  private static void assertFoundByQuery(
      WorkflowServiceStubs stubs, TemporalTestServer server, String query) {
    WorkflowClient client = client(stubs, server);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client.listExecutions(query).findAny().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "no workflow found by " + query);
      Os.sleep(Duration.ofMillis(100));
    }
  }
}
