package dev.amdahl.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitsTest {

  @Test
  void karpFlattIsZeroForLinearSpeedupAndOneForNone() {
    assertEquals(0.0, Fits.karpFlatt(4, 4), 1e-12);
    assertEquals(1.0, Fits.karpFlatt(1, 4), 1e-12);
    assertTrue(Double.isNaN(Fits.karpFlatt(1, 1)));
  }

  @Test
  void karpFlattRecoversTheSerialFractionOfAnAmdahlSpeedup() {
    Fits.Amdahl law = new Fits.Amdahl(0.1);
    for (int n = 2; n <= 8; n++) {
      assertEquals(0.1, Fits.karpFlatt(law.speedup(n), n), 1e-12);
    }
  }

  @Test
  void amdahlFitRecoversSigmaFromExactPoints() {
    Fits.Amdahl law = new Fits.Amdahl(0.07);
    List<Fits.Point> points = IntStream.rangeClosed(1, 4).mapToObj(n -> new Fits.Point(n, law.speedup(n))).toList();
    assertEquals(0.07, Fits.fitAmdahl(points).sigma(), 1e-9);
  }

  @Test
  void uslFitRecoversSigmaAndKappaFromExactPoints() {
    Fits.Usl law = new Fits.Usl(0.05, 0.02);
    List<Fits.Point> points = IntStream.rangeClosed(1, 6).mapToObj(n -> new Fits.Point(n, law.speedup(n))).toList();
    Fits.Usl fit = Fits.fitUsl(points);
    assertEquals(0.05, fit.sigma(), 1e-9);
    assertEquals(0.02, fit.kappa(), 1e-9);
  }

  @Test
  void fitsOfSuperlinearPointsStayNonNegative() {
    List<Fits.Point> points = List.of(new Fits.Point(1, 1), new Fits.Point(2, 2.2), new Fits.Point(4, 4.5));
    assertEquals(0.0, Fits.fitAmdahl(points).sigma());
    Fits.Usl usl = Fits.fitUsl(points);
    assertTrue(usl.sigma() >= 0 && usl.kappa() >= 0);
  }
}
