package io.drydock.api.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Maps GitLab's access claim to authorities: an entry {@code
 * {"type":"registry","name":"import","actions":[...]}} grants {@code import:<action>} per action,
 * so {@code "*"} gives {@link #IMPORT} and {@code "operator"} gives {@link #OPERATOR}. Entries for
 * anything else (another repository, another type) grant nothing here.
 */
final class RegistryAccessConverter implements Converter<Jwt, AbstractAuthenticationToken> {
  static final String IMPORT = "import:*";
  static final String OPERATOR = "import:operator";

  @Override
  public AbstractAuthenticationToken convert(Jwt jwt) {
    List<GrantedAuthority> authorities =
        jwt.getClaims().get(TokenDecoders.ACCESS_CLAIM) instanceof Collection<?> entries
            ? entries.stream()
                .filter(RegistryAccessConverter::isImportAccess)
                .flatMap(entry -> ((Collection<?>) ((Map<?, ?>) entry).get("actions")).stream())
                .filter(String.class::isInstance)
                .<GrantedAuthority>map(action -> new SimpleGrantedAuthority("import:" + action))
                .toList()
            : List.of();
    return new JwtAuthenticationToken(jwt, authorities);
  }

  private static boolean isImportAccess(Object entry) {
    return entry instanceof Map<?, ?> access
        && "registry".equals(access.get("type"))
        && "import".equals(access.get("name"))
        && access.get("actions") instanceof Collection<?>;
  }
}
