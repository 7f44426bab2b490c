package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InvalidRequestException;

/**
 * Python's {@code str.format} for zero-shot hypothesis templates, with the one argument the
 * pipeline passes: {@code {}} and {@code {0}} become the label, {@code {{}} and {@code }}} are
 * literal braces.
 */
public final class HypothesisTemplate {

  private HypothesisTemplate() {}

  /**
   * The template with the label in place.
   *
   * @throws InvalidRequestException for a template with no place for the label, or stray braces
   */
  public static String format(String template, String label) {
    StringBuilder out = new StringBuilder();
    boolean replaced = false;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{' && template.startsWith("{{", i) || c == '}' && template.startsWith("}}", i)) {
        out.append(c);
        i++;
      } else if (template.startsWith("{}", i) || template.startsWith("{0}", i)) {
        if (replaced && template.startsWith("{}", i)) {
          throw invalid(template);
        }
        out.append(label);
        i += template.startsWith("{}", i) ? 1 : 2;
        replaced = true;
      } else if (c == '{' || c == '}') {
        throw invalid(template);
      } else {
        out.append(c);
      }
    }
    if (!replaced) {
      throw new InvalidRequestException(
          "The provided hypothesis_template \""
              + template
              + "\" was not able to be formatted with the target labels. Make sure the passed "
              + "template includes formatting syntax such as {} where the label should go.");
    }
    return out.toString();
  }

  private static InvalidRequestException invalid(String template) {
    return new InvalidRequestException(
        "The hypothesis_template \""
            + template
            + "\" has braces "
            + "other than one {} where the label goes (write {{ and }} for literal braces)");
  }
}
