package dev.amdahl.coordinator;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which node computed each tile of the last few Mandelbrot jobs, as the task-done events
 * told it. The grid forgets a job's tasks when the job ends; this lets a page opened
 * afterwards still outline every tile in the color of its worker.
 */
final class TileLedger {
  private final int maxJobs;
  private final int maxTiles;
  private final Map<String, Map<Integer, String>> jobs = new LinkedHashMap<>(16, 0.75f, true);

  TileLedger(int maxJobs, int maxTiles) {
    this.maxJobs = maxJobs;
    this.maxTiles = maxTiles;
  }

  synchronized void record(String jobId, int index, String node) {
    Map<Integer, String> tiles = jobs.computeIfAbsent(jobId, id -> new HashMap<>());
    if (tiles.size() < maxTiles) {
      tiles.putIfAbsent(index, node);
    }
    while (jobs.size() > maxJobs) {
      String eldest = jobs.keySet().iterator().next();
      jobs.remove(eldest);
    }
  }

  /** Forgets a job: it turned out not to be a Mandelbrot job. */
  synchronized void forget(String jobId) {
    jobs.remove(jobId);
  }

  /** Tile index to node id, for the tiles seen done; empty if none were. */
  synchronized Map<Integer, String> of(String jobId) {
    Map<Integer, String> tiles = jobs.get(jobId);
    return tiles == null ? Map.of() : Map.copyOf(tiles);
  }
}
