package io.drydock.api.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Clair's intra-service authentication on {@code /indexer/}: {@code drydock.clair.*}, bound from
 * {@code DRYDOCK_CLAIR_PSK} (Clair's {@code auth.psk.key}, base64) and {@code
 * DRYDOCK_CLAIR_PSK_ISSUERS} (Clair's {@code auth.psk.iss}, comma-separated). A blank key counts as
 * unset, so an empty variable in a compose file does not switch it on.
 */
@ConfigurationProperties("drydock.clair")
record ClairPskProperties(String psk, List<String> pskIssuers) {}
