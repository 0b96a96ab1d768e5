package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.MandelbrotKind;
import dev.amdahl.jobs.kinds.PiKind;
import dev.amdahl.jobs.kinds.PrimesKind;
import dev.amdahl.jobs.kinds.SleepKind;
import dev.amdahl.jobs.kinds.SpinKind;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The job kinds this build knows, by name. */
public final class JobKinds {
  private static final Map<String, JobKind<?>> KINDS = new LinkedHashMap<>();

  static {
    register(new PrimesKind());
    register(new PiKind());
    register(new MandelbrotKind());
    register(new SleepKind());
    register(new SpinKind());
  }

  private JobKinds() {
  }

  private static void register(JobKind<?> kind) {
    KINDS.put(kind.name(), kind);
  }

  public static Optional<JobKind<?>> find(String name) {
    return Optional.ofNullable(name == null ? null : KINDS.get(name));
  }

  /** The kind named, or a {@link SpecException} on field {@code kind}. */
  public static JobKind<?> get(String name) {
    return find(name).orElseThrow(() -> new SpecException("kind",
        name == null ? "required; one of " + String.join(", ", names()) : "unknown kind '" + name + "'; one of " + String.join(", ", names())));
  }

  public static Set<String> names() {
    return KINDS.keySet();
  }
}
