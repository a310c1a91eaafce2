import Clusters
import NIOCore
@testable import Server
import Testing

/// The clusters answer cache: kept per snapshot version, never older than the kept snapshot,
/// bounded in bytes (least recently used first) and per answer.
@Suite struct ClustersAnswerCacheTests {
    static func key(zoom: Int, byDistrict: Bool = false) -> ClustersAnswerCache.Key {
        ClustersAnswerCache.Key(byDistrict: byDistrict, filter: ClusterFilter(), zoom: zoom, bounds: .world, detail: ClusterDetail())
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func aRepeatedRequestOfOneSnapshotIsServedFromTheCache() {
        let cache = ClustersAnswerCache()
        var made = 0
        let first = cache.answer(Self.key(zoom: 3), version: 1) { made += 1; return Self.body("a") }
        let second = cache.answer(Self.key(zoom: 3), version: 1) { made += 1; return Self.body("b") }
        #expect(first.hit == false && second.hit == true)
        #expect(String(buffer: second.body) == "a")
        #expect(made == 1)
        // Another zoom, another grouping: their own answers.
        #expect(cache.answer(Self.key(zoom: 4), version: 1) { Self.body("c") }.hit == false)
        #expect(cache.answer(Self.key(zoom: 3, byDistrict: true), version: 1) { Self.body("d") }.hit == false)
        #expect(cache.bytes == 3)
    }

    @Test func aNewSnapshotDropsItsGroupingsAnswersAndAnOlderOneIsNotKept() {
        let cache = ClustersAnswerCache()
        _ = cache.answer(Self.key(zoom: 3), version: 1) { Self.body("old") }
        _ = cache.answer(Self.key(zoom: 3, byDistrict: true), version: 7) { Self.body("district") }
        let newer = cache.answer(Self.key(zoom: 3), version: 2) { Self.body("new") }
        #expect(newer.hit == false && String(buffer: newer.body) == "new")
        // A request that took the older snapshot is answered from it but does not replace the newer answer.
        let late = cache.answer(Self.key(zoom: 3), version: 1) { Self.body("late") }
        #expect(late.hit == false && String(buffer: late.body) == "late")
        #expect(String(buffer: cache.answer(Self.key(zoom: 3), version: 2) { Self.body("x") }.body) == "new")
        // The other grouping kept its answer.
        #expect(cache.answer(Self.key(zoom: 3, byDistrict: true), version: 7) { Self.body("x") }.hit)
    }

    @Test func bytesStayWithinTheLimitLeastRecentlyUsedFirst() {
        let cache = ClustersAnswerCache(byteLimit: 30, answerLimit: 12)
        let ten = String(repeating: "x", count: 10)
        for zoom in 0..<3 { _ = cache.answer(Self.key(zoom: zoom), version: 1) { Self.body(ten) } }
        #expect(cache.bytes == 30)
        _ = cache.answer(Self.key(zoom: 0), version: 1) { Self.body("") }   // zoom 0 used again: zoom 1 is now the least recent
        _ = cache.answer(Self.key(zoom: 3), version: 1) { Self.body(ten) }
        #expect(cache.bytes == 30)
        #expect(cache.answer(Self.key(zoom: 0), version: 1) { Self.body("") }.hit)
        #expect(cache.answer(Self.key(zoom: 1), version: 1) { Self.body(ten) }.hit == false)
        // An answer above the per-answer limit is served, never kept.
        let big = cache.answer(Self.key(zoom: 9), version: 1) { Self.body(String(repeating: "y", count: 13)) }
        #expect(big.body.readableBytes == 13)
        #expect(cache.answer(Self.key(zoom: 9), version: 1) { Self.body("") }.hit == false)
        #expect(cache.bytes <= 30)
    }
}
