/// Map clustering and hotspot analysis over report points.
public enum Clusters {}
