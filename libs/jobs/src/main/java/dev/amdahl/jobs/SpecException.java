package dev.amdahl.jobs;

/** A job spec that breaks a rule; names the field at fault and the rule. */
public final class SpecException extends RuntimeException {
  private final String field;
  private final String rule;

  public SpecException(String field, String rule) {
    super(field + ": " + rule);
    this.field = field;
    this.rule = rule;
  }

  public String field() {
    return field;
  }

  public String rule() {
    return rule;
  }
}
