package dev.amdahl.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/** The benchmark's PNG charts, drawn with XChart. */
final class Charts {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;

  private Charts() {
  }

  /** Measured speedup against the ideal line and the fitted Amdahl and USL curves. */
  static void speedup(Path file, List<Fits.Point> points, Fits.Amdahl amdahl, Fits.Usl usl, String subtitle) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Strong scaling: speedup vs workers (" + subtitle + ")")
        .xAxisTitle("workers").yAxisTitle("speedup over 1 worker").build();
    int max = points.stream().mapToInt(Fits.Point::workers).max().orElse(1);
    double[] grid = IntStream.rangeClosed(0, max * 10).mapToDouble(i -> 1 + (max - 1) * i / (max * 10.0)).toArray();
    line(chart, "ideal", grid, map(grid, n -> n));
    line(chart, String.format("Amdahl fit (sigma=%.3f)", amdahl.sigma()), grid, map(grid, amdahl::speedup));
    line(chart, String.format("USL fit (sigma=%.3f, kappa=%.4f)", usl.sigma(), usl.kappa()), grid, map(grid, usl::speedup));
    XYSeries measured = chart.addSeries("measured",
        points.stream().mapToDouble(Fits.Point::workers).toArray(),
        points.stream().mapToDouble(Fits.Point::speedup).toArray());
    measured.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    measured.setMarker(SeriesMarkers.CIRCLE);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Tasks per second over time while workers are replaced one by one. */
  static void upgrade(Path file, double[] seconds, double[] tasksPerSec, double upgradeStart, double upgradeEnd, double steady)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Throughput over a rolling upgrade")
        .xAxisTitle("seconds").yAxisTitle("tasks completed per second").build();
    line(chart, "throughput", seconds, tasksPerSec);
    double top = java.util.Arrays.stream(tasksPerSec).max().orElse(steady) * 1.1;
    line(chart, "upgrade starts", new double[] {upgradeStart, upgradeStart}, new double[] {0, top});
    line(chart, "upgrade ends", new double[] {upgradeEnd, upgradeEnd}, new double[] {0, top});
    double last = seconds.length == 0 ? 1 : seconds[seconds.length - 1];
    line(chart, "steady state", new double[] {0, last}, new double[] {steady, steady});
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void line(XYChart chart, String name, double[] x, double[] y) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    series.setMarker(SeriesMarkers.NONE);
  }

  private static double[] map(double[] xs, java.util.function.DoubleUnaryOperator f) {
    return java.util.Arrays.stream(xs).map(f).toArray();
  }
}
