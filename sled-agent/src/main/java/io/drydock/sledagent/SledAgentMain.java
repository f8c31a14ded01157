package io.drydock.sledagent;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * {@code java -jar drydock-sled-agent.jar --sled-id=ID --data-dir=DIR ...}: starts one agent,
 * prints {@code sled-agent <id> listening on http://<host>:<port>} once it answers (followed by
 * {@code (repo depot also on http://<host>:<port>)} when the depot has a port of its own), and
 * stops it on SIGTERM.
 */
public final class SledAgentMain {
  private SledAgentMain() {}

  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(SledAgentOptions.usage());
      return;
    }
    logToStandardOutput();
    SledAgentOptions options;
    try {
      options = SledAgentOptions.parse(List.of(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("sled-agent: " + e.getMessage());
      System.err.print(SledAgentOptions.usage());
      System.exit(2);
      return;
    }
    SledAgent agent;
    try {
      agent = SledAgent.start(options);
    } catch (IOException | RuntimeException e) {
      System.err.println("sled-agent " + options.sledId() + ": could not start: " + e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  // Not a log record: java.util.logging closes its handlers in a shutdown hook of
                  // its own.
                  System.out.println("sled-agent " + options.sledId() + " stopped");
                  System.out.flush();
                },
                "sled-agent-shutdown"));
    System.out.println(
        "sled-agent "
            + options.sledId()
            + " listening on "
            + agent.baseUri()
            + agent.depotUri().map(depot -> " (repo depot also on " + depot + ")").orElse(""));
    System.out.flush();
  }

  /** One line per record on standard output, where the ready line goes too. */
  private static void logToStandardOutput() {
    Logger root = Logger.getLogger("");
    for (var handler : root.getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        root.removeHandler(handler);
      }
    }
    StreamHandler handler =
        new StreamHandler(System.out, new OneLineFormatter()) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }

          @Override
          public synchronized void close() {
            // A StreamHandler closes its stream, and java.util.logging closes handlers at exit:
            // standard output must
            // stay open for the last lines.
            flush();
          }
        };
    handler.setLevel(Level.INFO);
    root.addHandler(handler);
  }

  private static final class OneLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line =
          new StringBuilder()
              .append(Instant.ofEpochMilli(record.getMillis()))
              .append(' ')
              .append(record.getLevel())
              .append(' ')
              .append(formatMessage(record))
              .append(System.lineSeparator());
      if (record.getThrown() != null) {
        line.append(record.getThrown()).append(System.lineSeparator());
        for (StackTraceElement frame : record.getThrown().getStackTrace()) {
          line.append("\tat ").append(frame).append(System.lineSeparator());
        }
      }
      return line.toString();
    }
  }
}
