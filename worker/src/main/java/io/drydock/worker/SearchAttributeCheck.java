package io.drydock.worker;

import io.drydock.workflows.DrydockSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start a worker on a namespace that lacks a search attribute Drydock's workflows set,
 * or has it with another type: the server would fail each workflow task that sets it ({@code
 * BadSearchAttributes}) and the workflow would stay Running forever.
 */
final class SearchAttributeCheck {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeCheck.class);
  static final String SCRIPT = "deploy/temporal/register-search-attributes.sh";

  private SearchAttributeCheck() {}

  static void verify(WorkflowClient client) {
    String namespace = client.getOptions().getNamespace();
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(client.getWorkflowServiceStubs().getRawChannel())
                .validateAndBuildWithDefaults());
    Map<String, IndexedValueType> registered;
    try {
      registered =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      // The SDK's in-process test server (the quick start's) registers attributes but cannot list
      // them.
      log.warn("the Temporal server cannot list search attributes; not checking them");
      return;
    } finally {
      operator.shutdown();
    }
    List<String> problems = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    DrydockSearchAttributes.all()
        .forEach(
            (name, type) -> {
              IndexedValueType found = registered.get(name);
              if (found == type) {
                return;
              }
              problems.add(
                  found == null
                      ? name + " (" + cliTypeName(type) + ") is missing"
                      : name + " is " + cliTypeName(found) + ", needs " + cliTypeName(type));
              commands.add(
                  "temporal operator search-attribute create --namespace "
                      + namespace
                      + " --name "
                      + name
                      + " --type "
                      + cliTypeName(type));
            });
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the Temporal namespace '"
              + namespace
              + "' lacks search attributes Drydock's workflows set: "
              + String.join("; ", problems)
              + ". Register them with "
              + SCRIPT
              + " (TEMPORAL_ADDRESS=host:port"
              + " TEMPORAL_NAMESPACE="
              + namespace
              + "), or: "
              + String.join(" && ", commands)
              + " (an attribute of the wrong type must be removed first: temporal operator search-attribute remove)");
    }
  }

  /** The type names of the temporal CLI and of {@value #SCRIPT}. */
  static String cliTypeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      default -> type.name();
    };
  }
}
