@testable import Store
import Testing

/// The id ranges a PostGIS start reads report points in: every id from the least to the greatest
/// exactly once, in order, `pointChunk` wide, and never more than `maxPointRanges` of them.
@Suite struct PointRangesTests {
    static func check(_ low: Int64, _ high: Int64) -> [ClosedRange<Int64>] {
        let ranges = PostGISStore.pointRanges(low: low, high: high)
        #expect(ranges.first?.lowerBound == low && ranges.last?.upperBound == high)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound &+ 1 == b.lowerBound) }
        #expect(ranges.count <= PostGISStore.maxPointRanges)
        return ranges
    }

    @Test func denseIdsMakeChunksOfTheChunkSize() {
        let ranges = Self.check(1, 1_000_000)
        #expect(ranges.count == 10)
        #expect(ranges.allSatisfy { $0.count == PostGISStore.pointChunk })
        #expect(Self.check(5, 5) == [5...5])
        #expect(Self.check(1, 100_001).map(\.count) == [100_000, 1])
        #expect(PostGISStore.pointRanges(low: 2, high: 1).isEmpty)
    }

    @Test func farApartIdsMakeWiderRangesNotMoreOfThem() {
        #expect(Self.check(1, 10_000_000_000).count == PostGISStore.maxPointRanges)
        #expect(Self.check(Int64.min, Int64.max).count <= PostGISStore.maxPointRanges)
        #expect(Self.check(Int64.max - 3, Int64.max) == [(Int64.max - 3)...Int64.max])
    }
}
