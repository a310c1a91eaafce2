import Foundation
import Geo

/// Renders every tile of a layer over a box and a zoom range into the cache ahead of use
/// (`miestas tiles seed`), reporting progress and the rate as it goes.
public struct TileSeeder: Sendable {
    public let tiles: TileService

    public init(tiles: TileService) { self.tiles = tiles }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var rendered: Int
        public var seconds: Double
        public var rate: Double { seconds > 0 ? Double(done) / seconds : 0 }
    }

    /// Seeds tiles; already cached ones are kept (counted, not rendered again). Tiles are rendered
    /// on `parallelism` threads. `progress` is called about once per second and at the end.
    public func seed(layer: String, query: ReportQuery = .all, zooms: ClosedRange<Int>, box: BoundingBox, ratio: Int = 1,
                     data: MapData, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
                     progress: @Sendable (Progress) -> Void) throws(WMSError) -> Progress {
        let list = TileGrid.tiles(covering: box, zooms: zooms)
        let started = Date()
        let state = SeedState()
        DispatchQueue.concurrentPerform(iterations: max(1, parallelism)) { worker in
            var i = worker
            while i < list.count {
                let key = TileCache.Key(layer: layer, query: query, tile: list[i], ratio: ratio)
                do {
                    let cached = tiles.cache.read(key) != nil
                    if !cached { _ = try tiles.tile(key, data: data) }
                    let snapshot = state.advance(rendered: !cached, total: list.count, started: started)
                    if let snapshot { progress(snapshot) }
                } catch {
                    state.fail(error as? WMSError ?? WMSError(.noApplicableCode, "\(error)"))
                    return
                }
                i += max(1, parallelism)
            }
        }
        if let firstError = state.firstError { throw firstError }
        let final = state.snapshot(total: list.count, started: started)
        progress(final)
        return final
    }
}

/// Counters shared by the seeding threads.
private final class SeedState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0, rendered = 0
    private var lastReport = Date.distantPast
    private var error: WMSError?

    func fail(_ e: WMSError) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var firstError: WMSError? { lock.lock(); defer { lock.unlock() }; return error }

    func advance(rendered isNew: Bool, total: Int, started: Date) -> TileSeeder.Progress? {
        lock.lock(); defer { lock.unlock() }
        done += 1
        if isNew { rendered += 1 }
        let now = Date()
        guard now.timeIntervalSince(lastReport) >= 1 else { return nil }
        lastReport = now
        return TileSeeder.Progress(done: done, total: total, rendered: rendered, seconds: now.timeIntervalSince(started))
    }

    func snapshot(total: Int, started: Date) -> TileSeeder.Progress {
        lock.lock(); defer { lock.unlock() }
        return TileSeeder.Progress(done: done, total: total, rendered: rendered, seconds: Date().timeIntervalSince(started))
    }
}
