package io.drydock.quickstart;

import io.drydock.api.ApiConfiguration;
import io.drydock.worker.WorkerConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The worker and the API in one Spring context. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({WorkerConfiguration.class, ApiConfiguration.class})
public class QuickstartApplication {}
