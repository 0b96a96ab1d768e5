package dev.amdahl.coordinator;

import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicates;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.jobs.kinds.MandelbrotKind;
import dev.amdahl.node.grid.Grid;
import dev.amdahl.node.grid.TaskEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Mandelbrot job's tiles for the page that draws it as it renders: where each tile lies
 * and who computed it, and each tile's pixels as a small PNG. While the job runs a tile
 * comes from its task's partial result in the grid; once the job has its image, from that.
 * All methods talk to the grid: call them off the event loop.
 */
final class TileImages {
  /** Jobs with more tiles than this are shown when done, not tile by tile. */
  static final int MAX_LIVE_TILES = 4096;
  private static final String KIND = "mandelbrot";

  private final Grid grid;
  private final JobStore store;
  private final TileLedger ledger;
  private final Map<String, BufferedImage> finished = new LinkedHashMap<>(4, 0.75f, true);

  TileImages(Grid grid, JobStore store, TileLedger ledger) {
    this.grid = grid;
    this.store = store;
    this.ledger = ledger;
  }

  /** {jobId, state, width, height, tiles: [[x, y, width, height], ...], done: [[index, node], ...]}. */
  JsonObject layout(String jobId) {
    JsonObject job = mandelbrotJob(jobId);
    JsonArray tiles = new JsonArray();
    for (JsonObject rect : rects(job)) {
      tiles.add(new JsonArray().add(rect.getInteger("x")).add(rect.getInteger("y"))
          .add(rect.getInteger("width")).add(rect.getInteger("height")));
    }
    Map<Integer, String> done = new TreeMap<>(ledger.of(jobId));
    if (!JobState.valueOf(job.getString("state")).isFinal()) {
      grid.tasks().project(Projections.multiAttribute("index", "resultBy"),
              Predicates.and(Predicates.equal("jobId", jobId), Predicates.equal("state", TaskEntry.DONE)))
          .forEach(row -> done.putIfAbsent((Integer) row[0], (String) row[1]));
    }
    JsonArray doneOut = new JsonArray();
    done.forEach((index, node) -> doneOut.add(new JsonArray().add(index).add(node)));
    JsonObject params = job.getJsonObject("params");
    return new JsonObject()
        .put("jobId", jobId)
        .put("state", job.getString("state"))
        .put("width", params.getInteger("width"))
        .put("height", params.getInteger("height"))
        .put("tiles", tiles)
        .put("done", doneOut);
  }

  /** Tile {@code index} of job {@code jobId} as a PNG. */
  byte[] tile(String jobId, int index) {
    TaskEntry entry = grid.tasks().get(TaskEntry.key(jobId, index));
    if (entry != null && KIND.equals(entry.getKind()) && TaskEntry.DONE.equals(entry.getState()) && entry.getResult() != null) {
      List<MandelbrotKind.Tile> rendered = MandelbrotKind.tiles(entry.getResult());
      if (rendered.size() == 1) {
        return png(rendered.get(0));
      }
    }
    JsonObject job = mandelbrotJob(jobId);
    List<JsonObject> rects = rects(job);
    if (index < 0 || index >= rects.size()) {
      throw new Dashboard.Problem(404, "job " + jobId + " has no tile " + index + "; its tiles are 0 to " + (rects.size() - 1));
    }
    JobState state = JobState.valueOf(job.getString("state"));
    if (state == JobState.SUCCEEDED) {
      JsonObject rect = rects.get(index);
      return png(finalImage(jobId).getSubimage(rect.getInteger("x"), rect.getInteger("y"),
          rect.getInteger("width"), rect.getInteger("height")));
    }
    if (state.isFinal()) {
      throw new Dashboard.Problem(409, "job " + jobId + " is " + state + ": it has no image");
    }
    throw new Dashboard.Problem(404, "tile " + index + " of job " + jobId + " is not rendered yet");
  }

  /** A rendered tile's pixels as a PNG. */
  static byte[] png(MandelbrotKind.Tile tile) {
    BufferedImage image = new BufferedImage(tile.width(), tile.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = tile.rgb();
    int at = 0;
    for (int y = 0; y < tile.height(); y++) {
      for (int x = 0; x < tile.width(); x++, at += 3) {
        image.setRGB(x, y, (rgb[at] & 0xFF) << 16 | (rgb[at + 1] & 0xFF) << 8 | rgb[at + 2] & 0xFF);
      }
    }
    return png(image);
  }

  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private JsonObject mandelbrotJob(String jobId) {
    JsonObject job = store.get(jobId).orElseThrow(() -> new Dashboard.Problem(404, "no job with id " + jobId));
    if (!KIND.equals(job.getString("kind"))) {
      throw new Dashboard.Problem(409, "job " + jobId + " is a " + job.getString("kind") + " job; only mandelbrot jobs have tiles");
    }
    if (job.getInteger("tasks") > MAX_LIVE_TILES) {
      throw new Dashboard.Problem(409, "job " + jobId + " has " + job.getInteger("tasks") + " tiles, more than the "
          + MAX_LIVE_TILES + " the dashboard draws one by one; see its image at /api/jobs/" + jobId + "/result");
    }
    return job;
  }

  private static List<JsonObject> rects(JsonObject job) {
    return JobKinds.get(KIND).split(job.getJsonObject("params"), job.getInteger("tasks"));
  }

  // Decoding a large PNG is the costly part; a page asks for many tiles of one image in a row.
  private synchronized BufferedImage finalImage(String jobId) {
    BufferedImage image = finished.get(jobId);
    if (image != null) {
      return image;
    }
    byte[] png = store.attachment(jobId)
        .orElseThrow(() -> new Dashboard.Problem(404, "the image of job " + jobId + " is gone"));
    try {
      image = ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    finished.put(jobId, image);
    while (finished.size() > 2) {
      finished.remove(finished.keySet().iterator().next());
    }
    return image;
  }
}
