package io.drydock.api;

import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the API's own code, for the bodies it reads and writes itself (Clair's and
 * the registration bodies, the error envelopes written outside Spring MVC, the replication API's
 * trees): Jackson 3 with its defaults, the major Spring Boot's web layer uses. Spring MVC's message
 * converters keep Spring Boot's {@code JsonMapper} bean, which the API never configures. Immutable,
 * as every Jackson 3 mapper: a use that needs other settings derives its own reader or mapper from
 * it.
 */
public final class Json {
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}
}
