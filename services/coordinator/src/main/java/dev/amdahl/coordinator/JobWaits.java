package dev.amdahl.coordinator;

import dev.amdahl.node.Names;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests waiting for a job to change: {@code GET /api/jobs/:id?waitSeconds=N} holds its
 * answer until the job ends (or N seconds pass) instead of the client polling. Woken by the
 * leader's {@link Names#JOB_UPDATED} events that may mean the job ended (and
 * {@link Names#JOB_STOPPED} on a cancel), which reach every coordinator, so any coordinator
 * can hold the request.
 */
final class JobWaits {
  private final Map<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();

  JobWaits(EventBus bus) {
    bus.<JsonObject>consumer(Names.JOB_UPDATED, message -> {
      // A waiting request answers when its job ends: a change of progress is no reason to read it.
      String state = message.body().getString("state");
      if (state == null || JobState.valueOf(state).isFinal()) {
        wake(message.body().getString("jobId"));
      }
    });
    bus.<JsonObject>consumer(Names.JOB_STOPPED, message -> wake(message.body().getString("jobId")));
  }

  /** Calls {@code onChange} each time job {@code id} may have changed, until the returned handle is run. */
  Runnable watch(String id, Runnable onChange) {
    waiting.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(onChange);
    return () -> waiting.computeIfPresent(id, (key, watchers) -> {
      watchers.remove(onChange);
      return watchers.isEmpty() ? null : watchers;
    });
  }

  private void wake(String id) {
    Set<Runnable> watchers = id == null ? null : waiting.get(id);
    if (watchers != null) {
      watchers.forEach(Runnable::run);
    }
  }
}
