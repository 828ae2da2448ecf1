package io.openegiz.flux.fleet.sim;

/** Rounds readings to the resolution a real sensor reports, so the JSON stays short and believable. */
final class Rounding {
  private Rounding() {
  }

  static double decimals(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }
}
