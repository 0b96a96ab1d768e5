package dev.amdahl.jobs.kinds;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.Codec;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.Params;
import io.vertx.core.json.JsonObject;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Renders a view of the Mandelbrot set to a PNG. The image is cut into square-ish tiles,
 * one per task; a partial result is a set of rendered tiles and merging is their union, so
 * the finished image is the same however the tiles were grouped.
 *
 * <p>Pixels depend only on plain double arithmetic and {@link StrictMath}, which give the
 * same bits on every JVM, so a tile rendered on any node is identical to one rendered here.
 */
public final class MandelbrotKind implements JobKind<MandelbrotKind.Tiles> {

  /** The most pixels along either side; 4096 x 4096 is 16 Mi pixels, 48 MiB of RGB. */
  public static final int MAX_SIDE = 4096;
  public static final int MAX_ITERATIONS = 100_000;

  // Below this the pixel spacing drops under a double's precision and the image turns to blocks.
  private static final double MIN_SCALE = 1e-13;
  private static final double MAX_SCALE = 100;
  private static final double MAX_CENTER = 10;
  private static final int DEFAULT_TASKS = 64;

  // A large escape radius makes the smooth colouring below accurate.
  private static final double ESCAPE_SQUARED = 1 << 16;
  private static final double LOG_2 = StrictMath.log(2);
  private static final double ITERATIONS_PER_COLOUR = 6;
  private static final int INSIDE = 0x000000;
  private static final int[] PALETTE = {
      0x000764, 0x206BCB, 0xEDFFFF, 0xFFAA00, 0x8C2800, 0x000200, 0x102060, 0x2A8CD8,
  };

  private static final int FORMAT_VERSION = 1;

  /**
   * One rendered rectangle of the image: its pixels row by row, three bytes (R, G, B) each.
   * Like any record it compares {@code rgb} by identity; compare pixels with {@code Arrays.equals}.
   */
  public record Tile(int x, int y, int width, int height, byte[] rgb) {
  }

  /**
   * A set of rendered tiles. Merging only links two sets, so folding a hundred thousand
   * partials in one by one stays linear; {@link #list} puts the tiles in order once, when
   * they are read.
   */
  public static final class Tiles {
    private final List<Tile> own;
    private final Tiles left;
    private final Tiles right;
    private volatile List<Tile> ordered;

    public Tiles(List<Tile> tiles) {
      this(List.copyOf(tiles), null, null);
    }

    private Tiles(List<Tile> own, Tiles left, Tiles right) {
      this.own = own;
      this.left = left;
      this.right = right;
    }

    static Tiles union(Tiles a, Tiles b) {
      return new Tiles(List.of(), a, b);
    }

    /** The tiles ordered by position (row, then column), each position once. */
    public List<Tile> list() {
      List<Tile> result = ordered;
      if (result == null) {
        result = order();
        ordered = result;
      }
      return result;
    }

    private List<Tile> order() {
      List<Tile> all = new ArrayList<>();
      // A merge chain can be a hundred thousand links deep: walk it without recursion.
      ArrayDeque<Tiles> pending = new ArrayDeque<>();
      pending.push(this);
      while (!pending.isEmpty()) {
        Tiles next = pending.pop();
        List<Tile> done = next.ordered;
        if (done != null) {
          all.addAll(done);
          continue;
        }
        all.addAll(next.own);
        if (next.left != null) {
          pending.push(next.right);
          pending.push(next.left);
        }
      }
      all.sort(Comparator.comparingLong(MandelbrotKind::position));
      // A tile rendered twice has the same pixels both times; keep one.
      List<Tile> unique = new ArrayList<>(all.size());
      for (Tile tile : all) {
        if (unique.isEmpty() || position(unique.get(unique.size() - 1)) != position(tile)) {
          unique.add(tile);
        }
      }
      return List.copyOf(unique);
    }
  }

  private static final Codec<Tiles> CODEC = new Codec<>() {
    @Override
    public byte[] encode(Tiles value) {
      return encodeTiles(value);
    }

    @Override
    public Tiles decode(byte[] bytes) {
      return decodeTiles(bytes);
    }
  };

  @Override
  public String name() {
    return "mandelbrot";
  }

  @Override
  public JsonObject validate(JsonObject params) {
    Params p = Params.of(params, Set.of("width", "height", "maxIterations", "centerX", "centerY", "scale"));
    p.intValue("width", 800, 1, MAX_SIDE);
    p.intValue("height", 600, 1, MAX_SIDE);
    p.intValue("maxIterations", 500, 1, MAX_ITERATIONS);
    p.doubleValue("centerX", -0.5, -MAX_CENTER, MAX_CENTER);
    p.doubleValue("centerY", 0.0, -MAX_CENTER, MAX_CENTER);
    p.doubleValue("scale", 3.0, MIN_SCALE, MAX_SCALE);
    return p.normalized();
  }

  /** One entry per tile: the dashboard draws each tile as it lands. */
  @Override
  public boolean groupsTasks(JsonObject params) {
    return false;
  }

  @Override
  public int defaultTasks(JsonObject params) {
    return Math.min(DEFAULT_TASKS, maxTasks(params));
  }

  /** At most one task per pixel, so no tile is empty. */
  @Override
  public int maxTasks(JsonObject params) {
    long pixels = (long) params.getInteger("width") * params.getInteger("height");
    return (int) Math.min(JobSpec.MAX_TASKS, pixels);
  }

  /**
   * Cuts the image into {@code tasks} tiles: horizontal bands, each cut into tiles of its
   * own, with the band count chosen so tiles come out near square.
   */
  @Override
  public List<JsonObject> split(JsonObject params, int tasks) {
    List<JsonObject> out = new ArrayList<>(tasks);
    for (int[] rect : layout(params.getInteger("width"), params.getInteger("height"), tasks)) {
      out.add(new JsonObject().put("x", rect[0]).put("y", rect[1]).put("width", rect[2]).put("height", rect[3]));
    }
    return out;
  }

  @Override
  public Tiles execute(JsonObject params, JsonObject task, Cancellation cancellation) {
    View view = View.of(params);
    int x = task.getInteger("x");
    int y = task.getInteger("y");
    int width = task.getInteger("width");
    int height = task.getInteger("height");
    return new Tiles(List.of(new Tile(x, y, width, height, view.render(x, y, width, height, cancellation))));
  }

  /** The union of both sets, which {@link Tiles#list} reads back in one order whatever the merges were. */
  @Override
  public Tiles merge(Tiles a, Tiles b) {
    return Tiles.union(a, b);
  }

  @Override
  public JobResult finish(JsonObject params, Tiles merged) {
    int width = params.getInteger("width");
    int height = params.getInteger("height");
    byte[] png = png(paint(width, height, merged));
    JsonObject summary = new JsonObject()
        .put("width", width)
        .put("height", height)
        .put("maxIterations", params.getInteger("maxIterations"))
        .put("centerX", params.getDouble("centerX"))
        .put("centerY", params.getDouble("centerY"))
        .put("scale", params.getDouble("scale"))
        .put("tiles", merged.list().size())
        .put("pngBytes", png.length);
    return new JobResult(summary, png, "image/png");
  }

  @Override
  public Codec<Tiles> codec() {
    return CODEC;
  }

  /** The tiles in an encoded partial result, for showing a render as it comes in. */
  public static List<Tile> tiles(byte[] encodedPartial) {
    return decodeTiles(encodedPartial).list();
  }

  /** The rectangles {x, y, width, height} that {@link #split} gives, row by row. */
  private static List<int[]> layout(int width, int height, int tasks) {
    if (tasks < 1 || tasks > (long) width * height) {
      throw new IllegalArgumentException("tasks must be between 1 and " + (long) width * height + ": " + tasks);
    }
    int bands = (int) Math.round(Math.sqrt((double) tasks * height / width));
    // Enough bands that none needs more tiles than there are columns, and no band is empty.
    int fewestBands = (tasks + width - 1) / width;
    bands = Math.max(fewestBands, Math.min(bands, Math.min(height, tasks)));
    List<int[]> rects = new ArrayList<>(tasks);
    for (int band = 0; band < bands; band++) {
      int top = share(height, band, bands);
      int rows = share(height, band + 1, bands) - top;
      int firstTile = share(tasks, band, bands);
      int tilesInBand = share(tasks, band + 1, bands) - firstTile;
      for (int column = 0; column < tilesInBand; column++) {
        int left = share(width, column, tilesInBand);
        rects.add(new int[] {left, top, share(width, column + 1, tilesInBand) - left, rows});
      }
    }
    return rects;
  }

  /** Where part {@code i} of {@code total} cut into {@code parts} near-equal parts starts. */
  private static int share(int total, int i, int parts) {
    return (int) ((long) total * i / parts);
  }

  private static long position(Tile tile) {
    return ((long) tile.y() << 32) | (tile.x() & 0xFFFFFFFFL);
  }

  /** Places every tile's pixels by its coordinates, checking the tiles cover the image once. */
  private static BufferedImage paint(int width, int height, Tiles tiles) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    BitSet painted = new BitSet(width * height);
    for (Tile tile : tiles.list()) {
      if (tile.x() < 0 || tile.y() < 0 || tile.x() + tile.width() > width || tile.y() + tile.height() > height) {
        throw new IllegalArgumentException("tile at " + tile.x() + "," + tile.y() + " lies outside the image");
      }
      byte[] rgb = tile.rgb();
      int source = 0;
      for (int row = tile.y(); row < tile.y() + tile.height(); row++) {
        int start = row * width + tile.x();
        int end = start + tile.width();
        int alreadyPainted = painted.nextSetBit(start);
        if (alreadyPainted >= 0 && alreadyPainted < end) {
          throw new IllegalArgumentException("tiles overlap in row " + row);
        }
        painted.set(start, end);
        for (int i = start; i < end; i++, source += 3) {
          pixels[i] = (rgb[source] & 0xFF) << 16 | (rgb[source + 1] & 0xFF) << 8 | rgb[source + 2] & 0xFF;
        }
      }
    }
    if (painted.cardinality() != width * height) {
      throw new IllegalArgumentException("tiles cover " + painted.cardinality() + " of " + width * height + " pixels");
    }
    return image;
  }

  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("this JVM has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Binary, as pixels are too many for JSON: a version, the tile count, then per tile its
   * x, y, width, height and the length and bytes of its deflated RGB.
   */
  private static byte[] encodeTiles(Tiles tiles) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT_VERSION);
      out.writeInt(tiles.list().size());
      for (Tile tile : tiles.list()) {
        out.writeInt(tile.x());
        out.writeInt(tile.y());
        out.writeInt(tile.width());
        out.writeInt(tile.height());
        byte[] packed = deflate(tile.rgb());
        out.writeInt(packed.length);
        out.write(packed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Tiles decodeTiles(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException("unknown mandelbrot partial format " + version);
      }
      int count = in.readInt();
      List<Tile> tiles = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int x = in.readInt();
        int y = in.readInt();
        int width = in.readInt();
        int height = in.readInt();
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
          throw new IllegalArgumentException("tile of impossible size " + width + "x" + height);
        }
        byte[] packed = new byte[in.readInt()];
        in.readFully(packed);
        tiles.add(new Tile(x, y, width, height, inflate(packed, width * height * 3)));
      }
      return new Tiles(tiles);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated mandelbrot partial", e);
    }
  }

  private static byte[] deflate(byte[] raw) {
    // Speed over size: a partial crosses the grid once and is thrown away.
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
      byte[] chunk = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] packed, int size) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(packed);
      byte[] raw = new byte[size];
      int filled = 0;
      while (filled < size && !inflater.finished()) {
        int n = inflater.inflate(raw, filled, size - filled);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        filled += n;
      }
      if (filled != size || !inflater.finished()) {
        throw new IllegalArgumentException("tile pixels do not match its size");
      }
      return raw;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("corrupt tile pixels", e);
    } finally {
      inflater.end();
    }
  }

  /** The validated params, read once per task rather than once per pixel. */
  private record View(int width, int height, int maxIterations, double centerX, double centerY, double scale) {

    static View of(JsonObject params) {
      return new View(params.getInteger("width"), params.getInteger("height"), params.getInteger("maxIterations"),
          params.getDouble("centerX"), params.getDouble("centerY"), params.getDouble("scale"));
    }

    byte[] render(int left, int top, int tileWidth, int tileHeight, Cancellation cancellation) {
      byte[] rgb = new byte[tileWidth * tileHeight * 3];
      int at = 0;
      for (int py = top; py < top + tileHeight; py++) {
        cancellation.check();
        double y0 = centerY + (py - height / 2.0) * scale / width;
        for (int px = left; px < left + tileWidth; px++) {
          double x0 = centerX + (px - width / 2.0) * scale / width;
          int colour = colour(x0, y0);
          rgb[at++] = (byte) (colour >>> 16);
          rgb[at++] = (byte) (colour >>> 8);
          rgb[at++] = (byte) colour;
        }
      }
      return rgb;
    }

    private int colour(double cx, double cy) {
      if (inMainCardioidOrBulb(cx, cy)) {
        return INSIDE;
      }
      double x = 0;
      double y = 0;
      double xx = 0;
      double yy = 0;
      for (int n = 1; n <= maxIterations; n++) {
        y = 2 * x * y + cy;
        x = xx - yy + cx;
        xx = x * x;
        yy = y * y;
        if (xx + yy > ESCAPE_SQUARED) {
          return escaped(n, xx + yy);
        }
      }
      return INSIDE;
    }
  }

  /**
   * Points here never escape, and they are most of the default view's costly pixels; the
   * test is plain double arithmetic, so it decides the same on every node.
   */
  private static boolean inMainCardioidOrBulb(double cx, double cy) {
    double x = cx - 0.25;
    double q = x * x + cy * cy;
    if (q * (q + x) <= 0.25 * cy * cy) {
      return true;
    }
    double bulb = cx + 1;
    return bulb * bulb + cy * cy <= 0.0625;
  }

  /**
   * A colour for a point that escaped after {@code n} iterations, blended by how far past
   * the radius it got so bands do not show. StrictMath keeps it identical across JVMs.
   */
  private static int escaped(int n, double radiusSquared) {
    double smooth = n + 1 - StrictMath.log(StrictMath.log(radiusSquared) / 2) / LOG_2;
    double position = Math.max(0, smooth) / ITERATIONS_PER_COLOUR;
    long index = (long) position;
    double blend = position - index;
    int from = PALETTE[(int) (index % PALETTE.length)];
    int to = PALETTE[(int) ((index + 1) % PALETTE.length)];
    return mixChannel(from, to, blend, 16) | mixChannel(from, to, blend, 8) | mixChannel(from, to, blend, 0);
  }

  private static int mixChannel(int from, int to, double blend, int shift) {
    int a = from >>> shift & 0xFF;
    int b = to >>> shift & 0xFF;
    return (a + (int) ((b - a) * blend)) << shift;
  }
}
