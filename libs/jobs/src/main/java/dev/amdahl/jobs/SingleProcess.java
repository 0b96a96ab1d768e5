package dev.amdahl.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a whole job in this process, one task after another: the reference the cluster's
 * answers are compared with.
 */
public final class SingleProcess {
  private SingleProcess() {
  }

  public static JobResult run(JobSpec spec) {
    return run(spec.jobKind(), spec);
  }

  private static <R> JobResult run(JobKind<R> kind, JobSpec spec) {
    List<byte[]> partials = new ArrayList<>();
    for (var task : kind.split(spec.params(), spec.tasks())) {
      try {
        partials.add(kind.executeEncoded(spec.params(), task, Cancellation.NONE));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return kind.finishEncoded(spec.params(), partials);
  }
}
