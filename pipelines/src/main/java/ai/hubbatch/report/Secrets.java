package ai.hubbatch.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of the report. The values of options and variables whose name says token,
 * secret, key, password or credential become {@code ***}, as do the user and password of a URL, and
 * every occurrence of a secret variable's value anywhere else on the command line.
 */
final class Secrets {

  static final String MASK = "***";

  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i)token|secret|key|passw(or)?d|credential");

  private static final Pattern URL_USER = Pattern.compile("(?<=://)[^/@\\s]+@");

  /** The variables the report lists: those hubbatch, the AWS SDK, DJL and the launcher read. */
  private static final Pattern SHOWN_VARIABLE =
      Pattern.compile(
          "(HF_|HUGGING_?FACE_|SM_|SAGEMAKER_|HUBBATCH_|AWS_|DJL_|TRANSFORMERS_).*|JAVA_OPTS");

  private Secrets() {}

  /** Whether a name says it holds a secret. */
  static boolean secretName(String name) {
    return SECRET_NAME.matcher(name).find();
  }

  /**
   * The command line with secrets masked: {@code --name=value} and {@code --name value} where the
   * name says secret, URLs' user information, and the given secret values wherever they appear.
   */
  static List<String> maskArguments(List<String> arguments, Collection<String> secretValues) {
    List<String> masked = new ArrayList<>();
    boolean nextIsSecret = false;
    for (String argument : arguments) {
      String shown;
      if (nextIsSecret && !argument.startsWith("-")) {
        shown = MASK;
      } else if (argument.startsWith("-") && argument.contains("=")) {
        int equals = argument.indexOf('=');
        String name = argument.substring(0, equals);
        shown =
            secretName(name)
                ? name + "=" + MASK
                : name + "=" + mask(argument.substring(equals + 1), secretValues);
      } else {
        shown = mask(argument, secretValues);
      }
      nextIsSecret = argument.startsWith("-") && !argument.contains("=") && secretName(argument);
      masked.add(shown);
    }
    return masked;
  }

  /**
   * The variables of {@code environment} the report lists, sorted by name, with the values of
   * secret ones masked.
   */
  static Map<String, String> shownEnvironment(Map<String, String> environment) {
    Map<String, String> shown = new TreeMap<>();
    environment.forEach(
        (name, value) -> {
          if (SHOWN_VARIABLE.matcher(name).matches()) {
            shown.put(name, secretName(name) ? MASK : mask(value, List.of()));
          }
        });
    return shown;
  }

  /** The values of the secret variables in {@code environment}, to mask wherever they appear. */
  static List<String> secretValues(Map<String, String> environment) {
    List<String> values = new ArrayList<>();
    environment.forEach(
        (name, value) -> {
          // Short values (a flag, a digit) would mask unrelated text and hide nothing.
          if (secretName(name) && value != null && value.length() >= 6) {
            values.add(value);
          }
        });
    return values;
  }

  /** {@code text} with URLs' user information and the secret values masked. */
  static String mask(String text, Collection<String> secretValues) {
    String masked = URL_USER.matcher(text).replaceAll(MASK + "@");
    for (String secret : secretValues) {
      masked = masked.replace(secret, MASK);
    }
    return masked;
  }
}
