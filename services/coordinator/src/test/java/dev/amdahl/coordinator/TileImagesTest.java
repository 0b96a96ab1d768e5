package dev.amdahl.coordinator;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.JobKinds;
import dev.amdahl.jobs.kinds.MandelbrotKind;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TileImagesTest {

  @Test
  void aTileFromATasksPartialResultBecomesAPngWithTheSamePixels() throws IOException {
    MandelbrotKind kind = (MandelbrotKind) JobKinds.get("mandelbrot");
    JsonObject params = kind.validate(new JsonObject().put("width", 64).put("height", 48).put("maxIterations", 200));
    JsonObject input = kind.split(params, 4).get(3);
    byte[] partial = kind.codec().encode(kind.execute(params, input, Cancellation.NONE));

    List<MandelbrotKind.Tile> tiles = MandelbrotKind.tiles(partial);
    assertEquals(1, tiles.size());
    MandelbrotKind.Tile tile = tiles.get(0);
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(TileImages.png(tile)));

    assertEquals(input.getInteger("width"), png.getWidth());
    assertEquals(input.getInteger("height"), png.getHeight());
    byte[] rgb = tile.rgb();
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        int at = (y * png.getWidth() + x) * 3;
        int expected = (rgb[at] & 0xFF) << 16 | (rgb[at + 1] & 0xFF) << 8 | rgb[at + 2] & 0xFF;
        assertEquals(expected, png.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void theLedgerKeepsTheNewestJobsAndForgetsOnesThatAreNotMandelbrot() {
    TileLedger ledger = new TileLedger(2, 3);
    ledger.record("a", 0, "w1");
    ledger.record("b", 0, "w1");
    ledger.record("c", 0, "w2");
    assertEquals(java.util.Map.of(), ledger.of("a"));
    ledger.record("c", 1, "w1");
    ledger.record("c", 2, "w1");
    ledger.record("c", 3, "w1");
    assertEquals(3, ledger.of("c").size(), "at most maxTiles tiles per job");
    assertEquals("w2", ledger.of("c").get(0), "the first result for a tile is the one that counts");
    ledger.forget("c");
    assertEquals(java.util.Map.of(), ledger.of("c"));
  }
}
