package io.openegiz.flux.fleet.bench;

import java.util.BitSet;

/**
 * What one subscriber received from each publisher, by sequence number. Loss is judged against what
 * each publisher actually sent, so reordering is never mistaken for loss and a redelivery is
 * counted as a duplicate exactly once per extra copy.
 */
public final class SequenceTracker {
  private final BitSet[] seen;
  private long duplicates;
  private long foreign;

  public SequenceTracker(int publishers) {
    seen = new BitSet[publishers];
    for (int i = 0; i < publishers; i++) {
      seen[i] = new BitSet();
    }
  }

  /** Records one delivery; returns false when it is a duplicate or not from a known publisher. */
  public boolean record(int publisher, long sequence) {
    if (publisher < 0 || publisher >= seen.length || sequence < 0 || sequence > Integer.MAX_VALUE) {
      foreign++;
      return false;
    }
    BitSet s = seen[publisher];
    int seq = (int) sequence;
    if (s.get(seq)) {
      duplicates++;
      return false;
    }
    s.set(seq);
    return true;
  }

  /** Messages each publisher sent that never arrived: {@code sent[p]} minus distinct arrivals below it. */
  public long lost(long[] sentPerPublisher) {
    long lost = 0;
    for (int p = 0; p < seen.length; p++) {
      long sent = Math.min(sentPerPublisher[p], Integer.MAX_VALUE);
      long received = sent == 0 ? 0 : seen[p].get(0, (int) sent).cardinality();
      lost += sent - received;
    }
    return lost;
  }

  /** Runs of consecutive missing sequence numbers below what was sent: how many holes, not how big. */
  public long gaps(long[] sentPerPublisher) {
    long gaps = 0;
    for (int p = 0; p < seen.length; p++) {
      int sent = (int) Math.min(sentPerPublisher[p], Integer.MAX_VALUE);
      int i = seen[p].nextClearBit(0);
      while (i < sent) {
        gaps++;
        int next = seen[p].nextSetBit(i);
        if (next < 0 || next >= sent) {
          break;
        }
        i = seen[p].nextClearBit(next);
      }
    }
    return gaps;
  }

  public long distinct() {
    long n = 0;
    for (BitSet s : seen) {
      n += s.cardinality();
    }
    return n;
  }

  public long duplicates() {
    return duplicates;
  }

  /** Payloads whose publisher index or sequence made no sense (another client on the topic?). */
  public long foreign() {
    return foreign;
  }
}
