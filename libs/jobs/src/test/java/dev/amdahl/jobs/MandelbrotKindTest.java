package dev.amdahl.jobs;

import dev.amdahl.jobs.kinds.MandelbrotKind;
import dev.amdahl.jobs.kinds.MandelbrotKind.Tile;
import dev.amdahl.jobs.kinds.MandelbrotKind.Tiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MandelbrotKindTest {
  private static final MandelbrotKind KIND = new MandelbrotKind();

  @Test
  void fillsInTheDefaultView() {
    JsonObject params = KIND.validate(new JsonObject());
    assertEquals(new JsonObject().put("width", 800).put("height", 600).put("maxIterations", 500)
        .put("centerX", -0.5).put("centerY", 0.0).put("scale", 3.0), params);
    assertEquals(64, KIND.defaultTasks(params));
    assertEquals(JobSpec.MAX_TASKS, KIND.maxTasks(params));
  }

  @Test
  void smallImagesGetNoMoreTasksThanPixels() {
    JsonObject params = params(3, 2, 50);
    assertEquals(6, KIND.maxTasks(params));
    assertEquals(6, KIND.defaultTasks(params));
  }

  @Test
  void splitCoversEveryPixelExactlyOnce() {
    int[][] sizes = {{1, 1}, {1, 7}, {7, 1}, {3, 2}, {10, 10}, {800, 600}, {600, 800}, {4096, 3}, {5, 4096}};
    for (int[] size : sizes) {
      JsonObject params = params(size[0], size[1], 10);
      int max = KIND.maxTasks(params);
      for (int tasks : new int[] {1, 2, 3, 5, 7, 13, 64, 97, 1000, 4097, max}) {
        if (tasks <= max) {
          assertTiling(size[0], size[1], tasks, KIND.split(params, tasks));
        }
      }
    }
  }

  @Test
  void splitGivesNearSquareTiles() {
    for (int[] size : new int[][] {{800, 600}, {600, 800}, {1000, 1000}, {4096, 1024}}) {
      JsonObject params = params(size[0], size[1], 10);
      for (int tasks : new int[] {4, 17, 64, 250}) {
        for (JsonObject task : KIND.split(params, tasks)) {
          double aspect = (double) task.getInteger("width") / task.getInteger("height");
          assertTrue(aspect > 0.5 && aspect < 2, task.encode() + " of " + tasks);
        }
      }
    }
  }

  @Test
  void tilesMergedInAnyOrderGiveTheSamePngAsOneTask() throws Exception {
    JsonObject params = params(160, 120, 200);
    byte[] whole = SingleProcess.run(new JobSpec("mandelbrot", params, 1)).attachment();
    List<byte[]> partials = new ArrayList<>();
    for (JsonObject task : KIND.split(params, 23)) {
      partials.add(KIND.executeEncoded(params, task, Cancellation.NONE));
    }
    Random random = new Random(5);
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(partials, random);
      assertArrayEquals(whole, KIND.finishEncoded(params, partials).attachment());
      assertArrayEquals(whole, KIND.finish(params, mergeInRandomGroups(partials, random)).attachment());
    }
  }

  @Test
  void mergeIsAssociativeAndCommutative() throws Exception {
    JsonObject params = params(40, 30, 100);
    List<Tiles> tiles = new ArrayList<>();
    for (JsonObject task : KIND.split(params, 9)) {
      tiles.add(KIND.execute(params, task, Cancellation.NONE));
    }
    Random random = new Random(6);
    for (int i = 0; i < 50; i++) {
      Tiles a = tiles.get(random.nextInt(tiles.size()));
      Tiles b = KIND.merge(tiles.get(random.nextInt(tiles.size())), tiles.get(random.nextInt(tiles.size())));
      Tiles c = tiles.get(random.nextInt(tiles.size()));
      assertArrayEquals(encode(KIND.merge(a, b)), encode(KIND.merge(b, a)));
      assertArrayEquals(encode(KIND.merge(KIND.merge(a, b), c)), encode(KIND.merge(a, KIND.merge(b, c))));
    }
  }

  @Test
  void foldingInAHundredThousandTilesOneByOneStaysFast() {
    JsonObject params = params(400, 250, 10);
    List<Tiles> partials = new ArrayList<>();
    for (JsonObject task : KIND.split(params, JobSpec.MAX_TASKS)) {
      int w = task.getInteger("width");
      int h = task.getInteger("height");
      partials.add(new Tiles(List.of(new Tile(task.getInteger("x"), task.getInteger("y"), w, h, new byte[w * h * 3]))));
    }
    Collections.shuffle(partials, new Random(8));
    assertTimeout(Duration.ofSeconds(10), () -> {
      Tiles merged = partials.get(0);
      for (Tiles partial : partials.subList(1, partials.size())) {
        merged = KIND.merge(merged, partial);
      }
      assertEquals(JobSpec.MAX_TASKS, KIND.finish(params, merged).summary().getInteger("tiles"));
    });
  }

  @Test
  void aTileMergedTwiceCountsOnce() {
    JsonObject params = params(30, 20, 50);
    List<JsonObject> split = KIND.split(params, 2);
    Tiles first = KIND.execute(params, split.get(0), Cancellation.NONE);
    Tiles again = KIND.execute(params, split.get(0), Cancellation.NONE);
    Tiles second = KIND.execute(params, split.get(1), Cancellation.NONE);
    Tiles merged = KIND.merge(KIND.merge(first, second), again);
    assertEquals(2, merged.list().size());
    assertArrayEquals(KIND.finish(params, KIND.merge(first, second)).attachment(), KIND.finish(params, merged).attachment());
  }

  @Test
  void codecRoundTripsTileGeometryAndPixels() throws Exception {
    JsonObject params = params(50, 40, 100);
    List<JsonObject> split = KIND.split(params, 4);
    Tiles merged = KIND.merge(KIND.execute(params, split.get(2), Cancellation.NONE),
        KIND.execute(params, split.get(0), Cancellation.NONE));
    List<Tile> decoded = MandelbrotKind.tiles(encode(merged));
    assertEquals(2, decoded.size());
    for (int i = 0; i < decoded.size(); i++) {
      Tile expected = merged.list().get(i);
      Tile actual = decoded.get(i);
      assertEquals(List.of(expected.x(), expected.y(), expected.width(), expected.height()),
          List.of(actual.x(), actual.y(), actual.width(), actual.height()));
      assertEquals(actual.width() * actual.height() * 3, actual.rgb().length);
      assertArrayEquals(expected.rgb(), actual.rgb());
    }
    assertEquals(split.get(0).getInteger("y"), decoded.get(0).y(), "tiles come out in position order");
  }

  @Test
  void rejectsCorruptPartials() {
    assertThrows(IllegalArgumentException.class, () -> MandelbrotKind.tiles(new byte[] {0, 0, 0, 9}));
    byte[] good = encode(new Tiles(List.of(new Tile(0, 0, 1, 1, new byte[] {1, 2, 3}))));
    byte[] truncated = Arrays.copyOf(good, good.length - 1);
    assertThrows(IllegalArgumentException.class, () -> MandelbrotKind.tiles(truncated));
  }

  @Test
  void finishMakesAPngOfTheRequestedSize() throws Exception {
    JsonObject params = params(120, 90, 300);
    JobResult result = SingleProcess.run(new JobSpec("mandelbrot", params, 7));
    assertEquals("image/png", result.contentType());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.attachment()));
    assertNotNull(image);
    assertEquals(120, image.getWidth());
    assertEquals(90, image.getHeight());
    // The centre pixel is c = -0.5, inside the main cardioid; the corner escapes at once.
    assertEquals(0x000000, image.getRGB(60, 45) & 0xFFFFFF);
    assertTrue((image.getRGB(0, 0) & 0xFFFFFF) != 0);
    JsonObject summary = result.summary();
    assertEquals(120, summary.getInteger("width"));
    assertEquals(90, summary.getInteger("height"));
    assertEquals(7, summary.getInteger("tiles"));
    assertEquals(result.attachment().length, summary.getInteger("pngBytes"));
  }

  @Test
  void finishRejectsTilesThatDoNotCoverTheImage() throws Exception {
    JsonObject params = params(20, 20, 50);
    List<JsonObject> split = KIND.split(params, 4);
    Tiles partial = KIND.merge(KIND.execute(params, split.get(0), Cancellation.NONE),
        KIND.execute(params, split.get(1), Cancellation.NONE));
    assertThrows(IllegalArgumentException.class, () -> KIND.finish(params, partial));
  }

  @Test
  void rejectsBadParams() {
    assertSpecError("params.width", "must be between 1 and 4096", new JsonObject().put("width", 0));
    assertSpecError("params.height", "must be between 1 and 4096", new JsonObject().put("height", 4097));
    assertSpecError("params.maxIterations", "must be between 1 and 100000", new JsonObject().put("maxIterations", 0));
    assertSpecError("params.width", "must be a whole number", new JsonObject().put("width", "wide"));
    assertSpecError("params.centerX", "must be a number", new JsonObject().put("centerX", "left"));
    assertSpecError("params.scale", "must be a finite number between 1.0E-13 and 100.0", new JsonObject().put("scale", 0));
    assertSpecError("params.scale", "must be a finite number between 1.0E-13 and 100.0", new JsonObject().put("scale", -3));
    assertSpecError("params.scale", "must be a finite number between 1.0E-13 and 100.0",
        new JsonObject("{\"scale\": 1e400}"));
    assertSpecError("params.centerY", "must be a finite number between -10.0 and 10.0", new JsonObject().put("centerY", 11));
    SpecException unknown = assertThrows(SpecException.class, () -> KIND.validate(new JsonObject().put("zoom", 2)));
    assertEquals("params.zoom", unknown.field());
  }

  @Test
  void cancelledTaskStopsPromptly() {
    JsonObject params = KIND.validate(new JsonObject()
        .put("width", 4096).put("height", 4096).put("maxIterations", 100_000).put("centerX", -0.75).put("scale", 0.01));
    JsonObject task = KIND.split(params, 1).get(0);
    // An image that would take minutes: the check before the first row stops it.
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> true));
  }

  @Test
  void cancellationIsNoticedEveryRow() {
    JsonObject params = params(100, 100, 50);
    JsonObject task = KIND.split(params, 1).get(0);
    AtomicInteger polls = new AtomicInteger();
    assertThrows(CancelledException.class, () -> KIND.execute(params, task, () -> polls.incrementAndGet() > 5));
    assertEquals(6, polls.get());
  }

  private static void assertTiling(int width, int height, int tasks, List<JsonObject> split) {
    assertEquals(tasks, split.size());
    int[] covered = new int[width * height];
    for (JsonObject tile : split) {
      int x = tile.getInteger("x");
      int y = tile.getInteger("y");
      int w = tile.getInteger("width");
      int h = tile.getInteger("height");
      assertTrue(w >= 1 && h >= 1 && x >= 0 && y >= 0 && x + w <= width && y + h <= height, tile.encode());
      for (int row = y; row < y + h; row++) {
        for (int column = x; column < x + w; column++) {
          covered[row * width + column]++;
        }
      }
    }
    for (int i = 0; i < covered.length; i++) {
      assertEquals(1, covered[i], "pixel " + i + " of " + width + "x" + height + " in " + tasks + " tiles");
    }
  }

  private static Tiles mergeInRandomGroups(List<byte[]> partials, Random random) {
    List<Tiles> pool = new ArrayList<>();
    for (byte[] bytes : partials) {
      pool.add(KIND.codec().decode(bytes));
    }
    while (pool.size() > 1) {
      Tiles a = pool.remove(random.nextInt(pool.size()));
      Tiles b = pool.remove(random.nextInt(pool.size()));
      // Through the codec now and then, as partials merged on another node would be.
      Tiles merged = KIND.merge(a, b);
      pool.add(random.nextBoolean() ? merged : KIND.codec().decode(encode(merged)));
    }
    return pool.get(0);
  }

  private static byte[] encode(Tiles tiles) {
    return KIND.codec().encode(tiles);
  }

  private static JsonObject params(int width, int height, int maxIterations) {
    return KIND.validate(new JsonObject().put("width", width).put("height", height).put("maxIterations", maxIterations));
  }

  private static void assertSpecError(String field, String rule, JsonObject params) {
    SpecException e = assertThrows(SpecException.class, () -> KIND.validate(params));
    assertEquals(field, e.field());
    assertEquals(rule, e.rule());
  }
}
