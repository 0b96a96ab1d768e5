package dev.amdahl.bench.jmh;

import dev.amdahl.jobs.Codec;
import dev.amdahl.jobs.kinds.SleepKind;
import dev.amdahl.jobs.kinds.SpinKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** Partial results through their kinds' codecs, as every task's result is on its way to the grid and back. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmarks {
  private final Codec<SleepKind.Slept> sleep = new SleepKind().codec();
  private final Codec<SpinKind.Spun> spin = new SpinKind().codec();
  private byte[] sleepBytes;
  private byte[] spinBytes;

  @Setup
  public void encodeOnce() {
    sleepBytes = sleep.encode(new SleepKind.Slept(1, 0));
    spinBytes = spin.encode(new SpinKind.Spun(1, 1_000_000, 0x1234_5678_9abcL));
  }

  @Benchmark
  public byte[] sleepEncode() {
    return sleep.encode(new SleepKind.Slept(1, 0));
  }

  @Benchmark
  public SleepKind.Slept sleepDecode() {
    return sleep.decode(sleepBytes);
  }

  @Benchmark
  public byte[] spinEncode() {
    return spin.encode(new SpinKind.Spun(1, 1_000_000, 0x1234_5678_9abcL));
  }

  @Benchmark
  public SpinKind.Spun spinDecode() {
    return spin.decode(spinBytes);
  }
}
