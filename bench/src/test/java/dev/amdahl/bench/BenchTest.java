package dev.amdahl.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchTest {
  @Test
  void theMedianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
    assertEquals(0.97, Bench.median(List.of(0.99, 0.92, 0.97)), 1e-12);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertEquals(0.95, Bench.median(List.of(0.96, 0.94)), 1e-12);
    assertEquals(2.5, Bench.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-12);
  }
}
