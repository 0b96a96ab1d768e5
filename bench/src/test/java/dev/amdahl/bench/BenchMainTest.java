package dev.amdahl.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMainTest {
  private static final Path HOME = Path.of("project");

  @Test
  void withoutOptionsEveryPartRunsAfterTheFullWarmUpIntoBenchResults() {
    BenchMain.Options options = BenchMain.parse(List.of(), HOME);
    assertFalse(options.quick());
    assertEquals(Set.copyOf(Bench.PARTS), options.only());
    assertEquals(Bench.WARM_UP_SECONDS, options.warmUpSeconds());
    assertEquals(HOME.resolve("bench-results"), options.out());
  }

  @Test
  void quickHasTheShortWarmUpUnlessWarmUpSaysOtherwiseInAnyOrder() {
    assertEquals(Bench.QUICK_WARM_UP_SECONDS, BenchMain.parse(List.of("--quick"), HOME).warmUpSeconds());
    BenchMain.Options options = BenchMain.parse(List.of("--warm-up", "900", "--quick"), HOME);
    assertTrue(options.quick());
    assertEquals(900, options.warmUpSeconds());
    assertEquals(0, BenchMain.parse(List.of("--warm-up", "0"), HOME).warmUpSeconds());
  }

  @Test
  void onlyAndOutAreTaken() {
    BenchMain.Options options = BenchMain.parse(List.of("--only", "efficiency, scaling", "--out", "elsewhere"), HOME);
    assertEquals(Set.of("efficiency", "scaling"), options.only());
    assertEquals(Path.of("elsewhere"), options.out());
  }

  @Test
  void mistakesSayWhichOptionAndWhatIsWrong() {
    assertEquals("--warm-up: 'soon' is not a whole number of seconds from 0 to 3600", message("--warm-up", "soon"));
    assertEquals("--warm-up: '-5' is not a whole number of seconds from 0 to 3600", message("--warm-up", "-5"));
    assertEquals("--warm-up: '3601' is not a whole number of seconds from 0 to 3600", message("--warm-up", "3601"));
    assertEquals("--warm-up needs a value", message("--quick", "--warm-up"));
    assertEquals("--only: unknown part 'speed' (parts: noop, efficiency, upgrade, scaling)", message("--only", "noop,speed"));
    assertEquals("unknown option --fast", message("--fast"));
  }

  private static String message(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> BenchMain.parse(List.of(args), HOME)).getMessage();
  }
}
