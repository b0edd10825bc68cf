package dev.serving4j.internal;

/**
 * The data structure under {@link RequestQueue}: one FIFO per priority level, each an intrusive doubly-linked list
 * through {@link Request#prev}/{@link Request#next}, so a request that is cancelled or expires while queued is
 * unlinked in O(1) and stops counting against the limits at once. Not thread-safe: every method runs under the
 * queue's lock, except {@link #size()}, whose volatile read is a hint for callers outside it.
 */
final class RequestLevels {
  /** The oldest request of each level, or null; read by {@link BatchSelector} under the queue's lock. */
  final Request[] heads;
  final Request[] tails;
  private final int[] levelSizes;
  private volatile int size; // written under the queue's lock

  RequestLevels(int levels) {
    this.heads = new Request[levels];
    this.tails = new Request[levels];
    this.levelSizes = new int[levels];
  }

  /** Requests queued on every level (a volatile read: exact under the lock, a hint without it). */
  int size() {
    return size;
  }

  /** Requests queued on {@code level}. */
  int size(int level) {
    return levelSizes[level];
  }

  /** Appends {@code r} to the end of its level. */
  void linkLast(Request r) {
    int l = r.level;
    r.prev = tails[l];
    r.next = null;
    if (tails[l] == null) {
      heads[l] = r;
    } else {
      tails[l].next = r;
    }
    tails[l] = r;
    linked(r);
  }

  /** Puts {@code r} at the front of its level (a request given back after its worker died). */
  void linkFirst(Request r) {
    int l = r.level;
    r.prev = null;
    r.next = heads[l];
    if (heads[l] == null) {
      tails[l] = r;
    } else {
      heads[l].prev = r;
    }
    heads[l] = r;
    linked(r);
  }

  private void linked(Request r) {
    r.queued = true;
    levelSizes[r.level]++;
    size++;
  }

  /** Unlinks {@code r} if it is queued. */
  void unlink(Request r) {
    if (!r.queued) {
      return;
    }
    int l = r.level;
    if (r.prev == null) {
      heads[l] = r.next;
    } else {
      r.prev.next = r.next;
    }
    if (r.next == null) {
      tails[l] = r.prev;
    } else {
      r.next.prev = r.prev;
    }
    r.prev = null;
    r.next = null;
    r.queued = false;
    levelSizes[l]--;
    size--;
  }

  /** Arrival time of the oldest queued request across levels, or {@link Long#MAX_VALUE} when empty. */
  long oldestArrival() {
    long oldest = Long.MAX_VALUE;
    for (Request head : heads) {
      if (head != null && (oldest == Long.MAX_VALUE || head.arrivalNanos - oldest < 0)) {
        oldest = head.arrivalNanos;
      }
    }
    return oldest;
  }
}
