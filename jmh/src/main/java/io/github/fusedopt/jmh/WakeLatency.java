package io.github.fusedopt.jmh;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a parked pool thread takes to start a task handed to it, the cost a parallel step pays
 * once per pass before its helper joins in. Prints the median and the 10th and 90th percentiles
 * of 2,000 hand-offs, each after 200 µs idle (the helper sleeps between steps).
 *
 * <pre>java -cp jmh/target/benchmarks.jar io.github.fusedopt.jmh.WakeLatency</pre>
 */
public final class WakeLatency {

    private static volatile long startedAt;

    private WakeLatency() {
    }

    public static void main(String[] args) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        long[] nanos = new long[2000];
        for (int i = 0; i < nanos.length + 200; i++) {
            LockSupport.parkNanos(200_000);
            CountDownLatch started = new CountDownLatch(1);
            long handedOver = System.nanoTime();
            pool.execute(() -> {
                startedAt = System.nanoTime();
                started.countDown();
            });
            started.await();
            if (i >= 200) {
                nanos[i - 200] = startedAt - handedOver;
            }
        }
        pool.shutdown();
        Arrays.sort(nanos);
        System.out.printf("hand-off to a parked thread: median %.1f µs, p10 %.1f µs, p90 %.1f µs%n",
                nanos[nanos.length / 2] / 1e3, nanos[nanos.length / 10] / 1e3, nanos[nanos.length * 9 / 10] / 1e3);
    }
}
