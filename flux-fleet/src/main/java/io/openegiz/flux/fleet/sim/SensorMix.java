package io.openegiz.flux.fleet.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * The proportions of sensor kinds in a fleet, e.g. {@code electrical=2,thermal=2,environmental=1}; a fleet of
 * N devices is split by largest remainder so the counts always add up to N.
 *
 * @param weights a non-negative weight per kind, at least one positive
 */
public record SensorMix(Map<SensorKind, Integer> weights) {
  /** Two ovens (meter and thermostat) per zone sensor: the default of {@code flux fleet}. */
  public static final SensorMix DEFAULT = parse("electrical=2,thermal=2,environmental=1");

  public SensorMix {
    weights = Map.copyOf(weights);
    if (weights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
      throw new IllegalArgumentException("a sensor mix needs at least one positive weight");
    }
  }

  /** Reads {@code kind=weight} pairs separated by commas; a kind left out has weight 0. */
  public static SensorMix parse(String text) {
    Map<SensorKind, Integer> weights = new EnumMap<>(SensorKind.class);
    for (String part : text.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("\"" + part.trim() + "\" is not kind=weight, e.g. thermal=2");
      }
      int weight;
      try {
        weight = Integer.parseInt(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("weight \"" + kv[1].trim() + "\" is not a whole number", e);
      }
      if (weight < 0) {
        throw new IllegalArgumentException("weight of " + kv[0].trim() + " is negative");
      }
      weights.put(SensorKind.parse(kv[0]), weight);
    }
    return new SensorMix(weights);
  }

  /** How many devices of each kind a fleet of {@code devices} holds. */
  public Map<SensorKind, Integer> counts(int devices) {
    int total = weights.values().stream().mapToInt(Integer::intValue).sum();
    Map<SensorKind, Integer> counts = new EnumMap<>(SensorKind.class);
    Map<SensorKind, Double> remainders = new EnumMap<>(SensorKind.class);
    int assigned = 0;
    for (SensorKind kind : SensorKind.values()) {
      double exact = (double) devices * weights.getOrDefault(kind, 0) / total;
      counts.put(kind, (int) Math.floor(exact));
      remainders.put(kind, exact - Math.floor(exact));
      assigned += (int) Math.floor(exact);
    }
    for (; assigned < devices; assigned++) {
      SensorKind best = remainders.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      counts.merge(best, 1, Integer::sum);
      remainders.put(best, -1.0);
    }
    return counts;
  }
}
