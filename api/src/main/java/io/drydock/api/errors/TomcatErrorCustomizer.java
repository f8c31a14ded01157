package io.drydock.api.errors;

import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Keeps Tomcat from answering bad requests in its own HTML. A path holding {@code %2F} is let
 * through to the application, whose security firewall refuses it in the OCI envelope; what Tomcat
 * still refuses itself is rendered by {@link ContainerErrorReportValve}.
 */
public class TomcatErrorCustomizer
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addConnectorCustomizers(
        connector ->
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    factory.addContextCustomizers(
        context ->
            ((StandardHost) context.getParent())
                .setErrorReportValveClass(ContainerErrorReportValve.class.getName()));
  }
}
