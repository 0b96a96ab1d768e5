package dev.amdahl.jobs.kinds;

import dev.amdahl.jobs.Cancellation;
import dev.amdahl.jobs.Codec;
import dev.amdahl.jobs.JobKind;
import dev.amdahl.jobs.JobResult;
import dev.amdahl.jobs.JobSpec;
import dev.amdahl.jobs.Params;
import dev.amdahl.jobs.SpecException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Counts the primes in {@code [from, to]} with a segmented sieve of Eratosthenes. Each task
 * counts one contiguous sub-range; it needs only the primes up to the square root of its
 * end, which it sieves itself because they are tiny next to the range.
 */
public final class PrimesKind implements JobKind<PrimesKind.Counted> {

  /** The largest {@code to}: its base primes (up to 10^6) fit easily in every task. */
  public static final long MAX_TO = 1_000_000_000_000L;

  /** The largest {@code to - from}, so one job cannot occupy the cluster for hours. */
  public static final long MAX_SPAN = 100_000_000_000L;

  private static final long NUMBERS_PER_DEFAULT_TASK = 10_000_000L;
  private static final int MAX_DEFAULT_TASKS = 256;

  // A segment holds one bit per odd number; 256 KiB of bits stays in L2 while it is crossed off.
  private static final int SEGMENT_WORDS = 32 * 1024;
  private static final int SEGMENT_ODDS = SEGMENT_WORDS * Long.SIZE;

  private static final long[][] MULTIPLES_IN_A_WORD = multiplesInAWord();

  /** How many primes one or more tasks found. */
  public record Counted(long count) {
  }

  private static final Codec<Counted> CODEC = Codec.json(
      c -> new JsonObject().put("count", c.count()),
      j -> new Counted(j.getLong("count")));

  @Override
  public String name() {
    return "primes";
  }

  @Override
  public JsonObject validate(JsonObject params) {
    Params p = Params.of(params, Set.of("from", "to"));
    long from = p.longValue("from", null, 0, MAX_TO);
    long to = p.longValue("to", null, 0, MAX_TO);
    if (from > to) {
      throw new SpecException("params.to", "must be >= params.from");
    }
    if (to - from > MAX_SPAN) {
      throw new SpecException("params.to", "must be at most " + MAX_SPAN + " above params.from");
    }
    return p.normalized();
  }

  @Override
  public int defaultTasks(JsonObject params) {
    long tasks = numbers(params) / NUMBERS_PER_DEFAULT_TASK;
    return (int) Math.max(1, Math.min(MAX_DEFAULT_TASKS, tasks));
  }

  @Override
  public int maxTasks(JsonObject params) {
    // No more tasks than numbers, so no task is empty.
    return (int) Math.min(JobSpec.MAX_TASKS, numbers(params));
  }

  /**
   * Splits the range into {@code tasks} contiguous sub-ranges of near-equal size. Should
   * more tasks than numbers be asked for, the extra ranges are empty ({@code from > to}).
   */
  @Override
  public List<JsonObject> split(JsonObject params, int tasks) {
    long from = params.getLong("from");
    long numbers = numbers(params);
    List<JsonObject> out = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      long first = from + numbers * i / tasks;
      long next = from + numbers * (i + 1) / tasks;
      out.add(new JsonObject().put("from", first).put("to", next - 1));
    }
    return out;
  }

  @Override
  public Counted execute(JsonObject params, JsonObject task, Cancellation cancellation) {
    return new Counted(countPrimes(task.getLong("from"), task.getLong("to"), cancellation));
  }

  @Override
  public Counted merge(Counted a, Counted b) {
    return new Counted(a.count() + b.count());
  }

  @Override
  public JobResult finish(JsonObject params, Counted merged) {
    return JobResult.of(new JsonObject()
        .put("from", params.getLong("from"))
        .put("to", params.getLong("to"))
        .put("count", merged.count()));
  }

  @Override
  public Codec<Counted> codec() {
    return CODEC;
  }

  /**
   * The number of primes in {@code [from, to]} (none when {@code from > to}), polling
   * {@code cancellation} once per segment.
   */
  public static long countPrimes(long from, long to, Cancellation cancellation) {
    if (to < 2 || from > to) {
      return 0;
    }
    // 2 is the only even prime; the sieve below sees odd numbers only.
    long count = from <= 2 ? 1 : 0;
    long firstOdd = Math.max(from, 3) | 1;
    if (firstOdd > to) {
      return count;
    }
    int[] basePrimes = oddPrimesUpTo((int) squareRoot(to));
    long[] bits = new long[SEGMENT_WORDS];
    for (long low = firstOdd; low <= to; low += 2L * SEGMENT_ODDS) {
      cancellation.check();
      int odds = (int) Math.min(SEGMENT_ODDS, (to - low) / 2 + 1);
      count += countSegment(low, odds, basePrimes, bits);
    }
    return count;
  }

  /** Primes among the {@code odds} odd numbers from {@code low} (odd, at least 3). */
  private static int countSegment(long low, int odds, int[] basePrimes, long[] bits) {
    int words = (odds + Long.SIZE - 1) / Long.SIZE;
    Arrays.fill(bits, 0, words, 0L);
    long high = low + 2L * (odds - 1);
    for (int prime : basePrimes) {
      long square = (long) prime * prime;
      if (square > high) {
        break;
      }
      // Smaller multiples were crossed off by smaller primes, and p itself must stay.
      long start = square >= low ? square : firstOddMultiple(prime, low);
      // Bit i stands for low + 2i, so consecutive odd multiples are p bits apart.
      int first = (int) ((start - low) >>> 1);
      if (prime < Long.SIZE) {
        crossOffWordByWord(bits, first, words, prime);
      } else {
        crossOff(bits, first, odds, prime);
      }
    }
    // The word-by-word masks run to the end of the last word; bits past odds are no numbers.
    if (odds % Long.SIZE != 0) {
      bits[words - 1] &= (1L << odds) - 1;
    }
    int composites = 0;
    for (int w = 0; w < words; w++) {
      composites += Long.bitCount(bits[w]);
    }
    return odds - composites;
  }

  private static void crossOff(long[] bits, int first, int end, int step) {
    for (int i = first; i < end; i += step) {
      bits[i >>> 6] |= 1L << i;
    }
  }

  /**
   * A prime below 64 hits every word, most of the crossing off there is: one OR of a
   * precomputed mask per word instead of one per multiple.
   */
  private static void crossOffWordByWord(long[] bits, int first, int words, int prime) {
    long[] masks = MULTIPLES_IN_A_WORD[prime];
    int word = first >>> 6;
    // Bit j of a word is a multiple when j is congruent to residue, modulo the prime.
    int residue = (first & 63) % prime;
    bits[word] |= masks[residue] & (-1L << first);
    int shift = Long.SIZE % prime;
    for (word++; word < words; word++) {
      residue -= shift;
      if (residue < 0) {
        residue += prime;
      }
      bits[word] |= masks[residue];
    }
  }

  /** For odd p below 64 and r below p, the bits r, r + p, r + 2p... of one word. */
  private static long[][] multiplesInAWord() {
    long[][] masks = new long[Long.SIZE][];
    for (int prime = 3; prime < Long.SIZE; prime += 2) {
      masks[prime] = new long[prime];
      for (int residue = 0; residue < prime; residue++) {
        for (int bit = residue; bit < Long.SIZE; bit += prime) {
          masks[prime][residue] |= 1L << bit;
        }
      }
    }
    return masks;
  }

  private static long firstOddMultiple(int prime, long low) {
    long multiple = (low + prime - 1) / prime * prime;
    return (multiple & 1) == 0 ? multiple + prime : multiple;
  }

  /** The odd primes up to {@code limit}, by a plain sieve: the limit is at most 10^6. */
  private static int[] oddPrimesUpTo(int limit) {
    boolean[] composite = new boolean[limit + 1];
    int[] primes = new int[Math.max(16, limit / 2)];
    int found = 0;
    for (int n = 3; n <= limit; n += 2) {
      if (composite[n]) {
        continue;
      }
      primes[found++] = n;
      for (long m = (long) n * n; m <= limit; m += 2L * n) {
        composite[(int) m] = true;
      }
    }
    return Arrays.copyOf(primes, found);
  }

  /** The largest r with r * r <= n. */
  private static long squareRoot(long n) {
    long root = (long) Math.sqrt((double) n);
    while (root * root > n) {
      root--;
    }
    while ((root + 1) * (root + 1) <= n) {
      root++;
    }
    return root;
  }

  private static long numbers(JsonObject params) {
    return params.getLong("to") - params.getLong("from") + 1;
  }
}
