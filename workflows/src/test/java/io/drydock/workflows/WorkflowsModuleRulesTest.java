package io.drydock.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflows module holds deterministic workflow code and plain records: it must not reach
 * infrastructure (Spring, JDBC, HTTP) nor the sources of non-determinism Temporal forbids in
 * workflow code.
 */
class WorkflowsModuleRulesTest {
  private static JavaClasses workflowsModule;

  @BeforeAll
  static void importClasses() {
    workflowsModule =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.drydock.workflows");
  }

  @Test
  void noSpringJdbcOrHttp() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "org.springframework..",
                "java.sql..",
                "javax.sql..",
                "org.postgresql..",
                "org.flywaydb..",
                "java.net.http..",
                "org.apache.http..",
                "org.apache.hc..",
                "okhttp3..",
                "jakarta.servlet..")
            .because("workflow code must stay free of infrastructure; activities do the I/O");
    rule.check(workflowsModule);
  }

  @Test
  void noWallClockRandomnessOrThreads() {
    ArchRule rule =
        noClasses()
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(Instant.class, "now")
            .orShould()
            .callMethod(UUID.class, "randomUUID")
            .orShould()
            .callConstructor(Random.class)
            .orShould()
            .dependOnClassesThat()
            .areAssignableTo(Thread.class)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.util.concurrent..")
            .because(
                "workflow code must be deterministic: use Workflow.currentTimeMillis, newRandom, sleep, await");
    rule.check(workflowsModule);
  }
}
