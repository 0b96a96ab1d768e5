package dev.amdahl.bench;

import java.util.List;

/** Scaling arithmetic: speedup points, the Karp–Flatt serial fraction, Amdahl and USL fits. */
public final class Fits {
  private Fits() {
  }

  /** One measured point: {@code workers} workers gave {@code speedup} over one worker. */
  public record Point(int workers, double speedup) {
  }

  /** Amdahl's law fitted: {@code S(n) = n / (1 + sigma (n - 1))}. */
  public record Amdahl(double sigma) {
    public double speedup(double n) {
      return n / (1 + sigma * (n - 1));
    }
  }

  /** The Universal Scalability Law fitted: {@code S(n) = n / (1 + sigma (n - 1) + kappa n (n - 1))}. */
  public record Usl(double sigma, double kappa) {
    public double speedup(double n) {
      return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    }
  }

  /**
   * The experimentally determined serial fraction {@code e = (1/S - 1/n) / (1 - 1/n)};
   * NaN at one worker, where it is undefined.
   */
  public static double karpFlatt(double speedup, int workers) {
    if (workers <= 1) {
      return Double.NaN;
    }
    return (1 / speedup - 1.0 / workers) / (1 - 1.0 / workers);
  }

  /**
   * Least squares on the linear form {@code n/S - 1 = sigma (n - 1)}, sigma kept in [0, 1].
   */
  public static Amdahl fitAmdahl(List<Point> points) {
    double xy = 0;
    double xx = 0;
    for (Point p : points) {
      double x = p.workers() - 1;
      double y = p.workers() / p.speedup() - 1;
      xy += x * y;
      xx += x * x;
    }
    return new Amdahl(xx == 0 ? 0 : clamp(xy / xx, 0, 1));
  }

  /**
   * Least squares on the linear form {@code n/S - 1 = sigma (n - 1) + kappa n (n - 1)}:
   * two unknowns, no intercept, both kept non-negative.
   */
  public static Usl fitUsl(List<Point> points) {
    double aa = 0;
    double ab = 0;
    double bb = 0;
    double ay = 0;
    double by = 0;
    for (Point p : points) {
      double a = p.workers() - 1;
      double b = (double) p.workers() * (p.workers() - 1);
      double y = p.workers() / p.speedup() - 1;
      aa += a * a;
      ab += a * b;
      bb += b * b;
      ay += a * y;
      by += b * y;
    }
    double det = aa * bb - ab * ab;
    if (Math.abs(det) < 1e-12) {
      Amdahl amdahl = fitAmdahl(points);
      return new Usl(amdahl.sigma(), 0);
    }
    double sigma = (ay * bb - by * ab) / det;
    double kappa = (aa * by - ab * ay) / det;
    if (kappa < 0) {
      return new Usl(fitAmdahl(points).sigma(), 0);
    }
    if (sigma < 0) {
      return new Usl(0, bb == 0 ? 0 : Math.max(0, by / bb));
    }
    return new Usl(sigma, kappa);
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }
}
