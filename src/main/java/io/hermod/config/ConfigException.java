package io.hermod.config;

/**
 * A configuration problem that stops start-up. The message is one line, {@code "key.path: problem"},
 * so that it can be printed as is by the launcher and read in a pod's termination log.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(oneLine(message));
  }

  /** {@code key} is the full dotted path, possibly followed by where the value came from. */
  public ConfigException(String key, String problem) {
    this(key + ": " + problem);
  }

  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
