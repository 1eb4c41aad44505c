import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as the twin runs it (java LoopbackDynamoDbLocal.java, Java 11+ source launch): Amazon's own server,
 * built from the usual command line, with two changes it offers no option for. Its Jetty connector listens on
 * 127.0.0.1 only (by default it takes every interface), and a request whose Host is not one the twin serves gets 403
 * before DynamoDB sees it (DNS rebinding: a page that points its own name at 127.0.0.1 could otherwise send any
 * header). The hosts served are the rules of local/host-check.ts, plus -Dtwin.allowedHosts=a,b.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) serverConnector.setHost("127.0.0.1");
    }
    Set<String> allowed = Arrays.stream(System.getProperty("twin.allowedHosts", "").split(","))
        .map((name) -> name.trim().toLowerCase(Locale.ROOT)).filter((name) -> !name.isEmpty()).collect(Collectors.toSet());
    server.setHandler(new Handler.Wrapper(server.getHandler()) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (served(request.getHttpURI().getHost(), allowed)) return super.handle(request, response, callback);
        byte[] body = "{\"message\":\"Blocked request: the local twin does not serve this host (DNS rebinding protection).\"}".getBytes(StandardCharsets.UTF_8);
        response.setStatus(403);
        response.getHeaders().put("Content-Type", "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
      }
    });
    proxy.start();
  }

  static boolean served(String host, Set<String> allowed) {
    if (host == null || host.isEmpty()) return true;
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") || name.matches("[0-9.]+")) return true; // IP literals cannot be rebound
    if (name.equals("localhost") || name.endsWith(".localhost")) return true;
    if (name.endsWith(".amazonaws.com")) return true;
    return allowed.contains(name);
  }
}
