package io.drydock.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the activities' own code: Jackson's defaults. Jackson 2, as the records
 * the activities exchange with workflows travel in Temporal payloads that Temporal's {@code
 * JacksonJsonPayloadConverter} writes with Jackson 2. A use that needs stricter reading or ordered
 * output derives an {@code ObjectReader} or {@code ObjectWriter} from it ({@code
 * MAPPER.reader().with(...)}), which leaves this shared instance as it is: never reconfigure it in
 * place.
 */
public final class Json {
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}
}
