/// A small, fast, seeded random generator (SplitMix64), so that benchmark and test points are
/// the same on every run and every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension BoundingBox {
    /// `count` points uniformly distributed in the box, the same for the same seed.
    public func randomPoints(count: Int, seed: UInt64) -> [Coordinate] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Coordinate(Double.random(in: minX...maxX, using: &rng), Double.random(in: minY...maxY, using: &rng))
        }
    }
}
