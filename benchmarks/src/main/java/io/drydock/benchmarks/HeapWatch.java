package io.drydock.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap a measurement needed, from the garbage collector's own reports: the peak heap in use
 * (the highest occupancy just before a collection, or now if that is higher) and the peak live heap
 * (the highest occupancy just after a collection, an upper bound of what the work kept reachable).
 */
final class HeapWatch {
  record Peak(long usedBytes, long afterGcBytes, long collections) {
    String describe() {
      return String.format(
          "peak heap used %d MiB, peak after GC %d MiB (%d collections; max heap %d MiB)",
          usedBytes >> 20, afterGcBytes >> 20, collections, Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toUnmodifiableSet());
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();

  HeapWatch() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) collector)
          .addNotificationListener(
              (notification, handback) -> {
                if (notification
                    .getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from(
                          (CompositeData) notification.getUserData());
                  peakUsed.accumulateAndGet(
                      heapBytes(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                  peakAfterGc.accumulateAndGet(
                      heapBytes(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                  collections.incrementAndGet();
                }
              },
              null,
              null);
    }
  }

  /** Starts a new measurement from the heap as it is now. */
  void reset() {
    long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    peakUsed.set(now);
    peakAfterGc.set(0);
    collections.set(0);
  }

  Peak peak() {
    long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Peak(Math.max(peakUsed.get(), now), peakAfterGc.get(), collections.get());
  }

  private long heapBytes(Map<String, MemoryUsage> pools) {
    return pools.entrySet().stream()
        .filter(pool -> heapPools.contains(pool.getKey()))
        .mapToLong(pool -> pool.getValue().getUsed())
        .sum();
  }
}
