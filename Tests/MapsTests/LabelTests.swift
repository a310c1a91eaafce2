import Clusters
import Foundation
import Geo
import Testing
@testable import Maps

/// District names placed without collisions (`LabelLayout`, `DistrictLabels`): never over each
/// other, never over a cluster circle drawn in the same picture, and the same in every tile they
/// touch.
@Suite struct LabelTests {
    /// Kaunas's 11 elderships (the demo's, in the repository) with 4,000 reports around 60
    /// centres inside them: enough clusters at every zoom to crowd the names.
    static let kaunas: MapData = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/demo/kaunas-seniunijos.geojson")
        return try! data(geoJSON: try! Data(contentsOf: url), name: "name", reports: 4000, centres: 60)
    }()

    /// Boston's 22 wards (../shared/data), named by number, with 6,000 made-up reports.
    static let boston: MapData? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/boston-wards.geojson")
        guard let bytes = try? Data(contentsOf: url) else { return nil }
        return try! data(geoJSON: bytes, name: "WARD", reports: 6000, centres: 80)
    }()

    static func data(geoJSON: Data, name field: String, reports: Int, centres: Int) throws -> MapData {
        let collection = try GeoJSON.decodeFeatureCollection(geoJSON)
        let districts = try collection.features.enumerated().map { i, f in
            let geometry = try #require(f.geometry)
            let name: String
            switch f.properties[field] {
            case .string(let s)?: name = s
            case .integer(let n)?: name = String(n)
            default: name = "D\(i)"
            }
            return MapDistrict(code: name, name: name, geometry: geometry, areaSquareMetres: try Measure.areaSquareMetres(geometry))
        }
        var box = BoundingBox.empty
        for d in districts { box.expand(toInclude: d.bounds) }
        // A fixed pseudo-random pattern: reports scattered around centres, kept where a district is.
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let spots = (0..<centres).map { _ in Coordinate(box.minX + box.width * next(), box.minY + box.height * next()) }
        var points: [ClusterPoint] = []
        while points.count < reports {
            let spot = spots[Int(next() * Double(spots.count))]
            let c = Coordinate(spot.x + (next() - 0.5) * box.width / 25, spot.y + (next() - 0.5) * box.height / 25)
            guard let d = districts.firstIndex(where: { $0.contains(c) }) else { continue }
            points.append(ClusterPoint(id: Int64(points.count + 1), lon: c.x, lat: c.y, service: UInt16(points.count % 5),
                                       status: UInt8(points.count % 4), district: Int32(d)))
        }
        return MapData(districts: districts, reports: try StaticReportSource(points: points, services: ["a", "b", "c", "d", "e"]))
    }

    static func scene(_ data: MapData, _ tile: TileCoordinate, layers: Set<String>, ratio: Int = 1) throws -> Scene {
        let frame = try ViewFrame(viewport: TileGrid.viewport(tile, ratio: ratio), pixelRatio: Double(ratio))
        let scene = Scene(canvas: Canvas(width: 1, height: 1), frame: frame, data: data, query: .all)
        scene.layerNames = layers
        return scene
    }

    /// Every tile over the districts at zoom `z` (at most `limit`, from the middle out).
    static func tiles(_ data: MapData, zoom z: Int, limit: Int = 400) -> [TileCoordinate] {
        var box = BoundingBox.empty
        for d in data.districts { box.expand(toInclude: d.bounds) }
        let all = TileGrid.tiles(covering: box, zooms: z...z)
        guard all.count > limit else { return all }
        let middle = all[all.count / 2]
        return Array(all.sorted { abs($0.x - middle.x) + abs($0.y - middle.y) < abs($1.x - middle.x) + abs($1.y - middle.y) }.prefix(limit))
    }

    static var cities: [(String, MapData)] { [("Kaunas", kaunas)] + (boston.map { [("Boston", $0)] } ?? []) }

    @Test func namesNeverMeetEachOtherOrACircle() throws {
        if Self.boston == nil { print("LabelTests: ../shared/data/boston-wards.geojson is absent; Boston's wards skipped, Kaunas checked") }
        for (city, data) in Self.cities {
            var drawnAlone = 0, drawnOverClusters = 0
            for z in 9...17 {
                for tile in Self.tiles(data, zoom: z, limit: z >= 15 ? 120 : 400) {
                    // Alone: the names among themselves.
                    let alone = DistrictLabels.placements(try Self.scene(data, tile, layers: ["districts"]))
                    expectDisjoint(alone.map(\.box), "\(city) \(tile), names alone")
                    // Over the clusters: also off every circle near them.
                    let over = try Self.scene(data, tile, layers: ["clusters", "districts"])
                    let placed = DistrictLabels.placements(over)
                    expectDisjoint(placed.map(\.box), "\(city) \(tile), names over clusters")
                    let space = GlobalPixels(over.frame)
                    for (label, box) in placed {
                        let circles = DistrictLabels.circles(over, space: space, near: box)
                        #expect(!circles.contains(where: box.meets), "\(city) \(tile): '\(label.text)' meets a circle")
                    }
                    drawnAlone += alone.count
                    drawnOverClusters += placed.count
                }
            }
            // Names are drawn at all, and the circles move or leave out fewer than half of them
            // (Kaunas: 55 alone, 48 over clusters in the tiles looked at; Boston: 147 and 98).
            #expect(drawnAlone > 40, "\(city): names are drawn at all (\(drawnAlone))")
            #expect(2 * drawnOverClusters >= drawnAlone, "\(city): \(drawnOverClusters) names over clusters of \(drawnAlone) alone")
        }
    }

    func expectDisjoint(_ boxes: [LabelBox], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for i in boxes.indices {
            for j in boxes.indices where j > i && boxes[i].intersects(boxes[j]) {
                Issue.record("\(what): names \(i) and \(j) overlap", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Crowded names give way: at the zoom of Kaunas's report form (the whole city in a small
    /// map) the elderships' names would overlap if all were drawn.
    @Test func crowdedNamesAreLeftOutNotOverlapped() throws {
        let tile = try #require(Self.tiles(Self.kaunas, zoom: 11).first)
        let scene = try Self.scene(Self.kaunas, tile, layers: ["districts"])
        let space = GlobalPixels(scene.frame)
        let layout = LabelLayout(districts: Self.kaunas.districts, space: space, projector: scene.frame.projector)
        #expect(layout.labels.count >= 3 && layout.labels.count < Self.kaunas.districts.count)
        // Every name at its anchor would overlap: that is why some were left out or moved.
        let anchors = Self.kaunas.districts.map { d -> LabelBox in
            let a = space.pixel(scene.frame.projector.forward(d.labelPoint))
            let (w, h) = LabelLayout.halfSize(d.name, size: LabelLayout.fontSize)
            return LabelBox(centreX: a.x, a.y, halfWidth: w, halfHeight: h)
        }
        #expect(anchors.indices.contains { i in anchors.indices.contains { j in j > i && anchors[i].intersects(anchors[j]) } })
    }

    /// The tile pictures, side by side, are the GetMap of the two tiles' box: names that cross
    /// the shared edge are drawn whole (half in each) and decided alike on both sides.
    @Test func neighbouringTilesAgreeAlongTheirEdges() throws {
        for (city, data) in Self.cities {
            var checked = 0
            for z in [12, 13, 14] where checked < 4 {
                for tile in Self.tiles(data, zoom: z, limit: 200) where checked < 4 {
                    for (dx, dy) in [(1, 0), (0, 1)] where checked < 4 {
                        let other = TileCoordinate(z: z, x: tile.x + dx, y: tile.y + dy)
                        // A pair is worth drawing when a name crosses the edge between them.
                        let scene = try Self.scene(data, tile, layers: ["clusters", "districts"])
                        let space = GlobalPixels(scene.frame)
                        let edge = space.box(of: scene.frame.viewport)
                        let crossing = DistrictLabels.placements(scene).filter { _, box in
                            dx == 1 ? box.minX < edge.maxX && box.maxX > edge.maxX : box.minY < edge.maxY && box.maxY > edge.maxY
                        }
                        guard !crossing.isEmpty else { continue }
                        // Both tiles decide alike about every name they share.
                        let theirs = DistrictLabels.placements(try Self.scene(data, other, layers: ["clusters", "districts"]))
                        for (label, box) in crossing {
                            #expect(theirs.contains { $0.label.district == label.district && $0.box == box }, "\(city) \(tile)/\(other): '\(label.text)'")
                        }
                        try expectTilesMatchGetMap(data, tile, other, horizontal: dx == 1, "\(city) \(tile)/\(other)")
                        checked += 1
                    }
                }
            }
            #expect(checked >= 2, "\(city): found names across tile edges to check (\(checked))")
        }
    }

    func expectTilesMatchGetMap(_ data: MapData, _ a: TileCoordinate, _ b: TileCoordinate, horizontal: Bool, _ what: String) throws {
        let renderer = MapRenderer()
        func render(_ viewport: Viewport) throws -> Pixels {
            let request = MapRequest(viewport: viewport, layers: [.init(name: "clusters"), .init(name: "districts")], format: .png, transparent: true)
            return try #require(Pixels(png: try renderer.render(request, data: data)))
        }
        let first = try render(TileGrid.viewport(a)), second = try render(TileGrid.viewport(b))
        let boxA = TileGrid.box(a), boxB = TileGrid.box(b)
        let both = try render(Viewport(crs: try MapCRS("EPSG:3857"),
                                       box: BoundingBox(minX: boxA.minX, minY: min(boxA.minY, boxB.minY), maxX: max(boxA.maxX, boxB.maxX), maxY: boxA.maxY),
                                       width: horizontal ? 512 : 256, height: horizontal ? 256 : 512))
        var differing = 0
        for y in 0..<both.height {
            for x in 0..<both.width {
                let inFirst = horizontal ? x < 256 : y < 256
                let tile = inFirst ? first : second
                let p = tile.pixel(horizontal ? x % 256 : x, horizontal ? y : y % 256), q = both.pixel(x, y)
                if abs(Int(p.r) - Int(q.r)) > 24 || abs(Int(p.g) - Int(q.g)) > 24 || abs(Int(p.b) - Int(q.b)) > 24 || abs(Int(p.a) - Int(q.a)) > 24 {
                    differing += 1
                }
            }
        }
        // Antialiasing of the same shapes drawn from another origin may differ by a few pixels.
        #expect(differing < 40, "\(what): \(differing) pixels differ between the tiles and the GetMap over both")
    }

    /// In the pixels: the names' ink (dark navy) lies inside their boxes and never inside a
    /// cluster circle, and names are drawn at all.
    @Test func pixelsShowNoNameOverACircle() throws {
        for (city, data) in Self.cities {
            var inkSeen = 0
            for z in [12, 13, 14] {
                for tile in Self.tiles(data, zoom: z, limit: 40) {
                    let scene = try Self.scene(data, tile, layers: ["clusters", "districts"])
                    let placed = DistrictLabels.placements(scene)
                    guard !placed.isEmpty else { continue }
                    let request = MapRequest(viewport: TileGrid.viewport(tile), layers: [.init(name: "clusters"), .init(name: "districts")], transparent: true)
                    let image = try #require(Pixels(png: try MapRenderer().render(request, data: data)))
                    let origin = GlobalPixels(scene.frame).origin(of: scene.frame.viewport)
                    let boxes = placed.map { $0.box.offset(by: -origin.x, -origin.y) }
                    let circles = ClustersLayer().visible(scene).filter { $0.0.report == nil }
                    for y in 0..<image.height {
                        for x in 0..<image.width {
                            let p = image.pixel(x, y)
                            guard p.a > 200, p.r < 45, p.g < 45, p.b < 100 else { continue }
                            inkSeen += 1
                            let cx = Double(x) + 0.5, cy = Double(y) + 0.5
                            #expect(boxes.contains { cx >= $0.minX && cx <= $0.maxX && cy >= $0.minY && cy <= $0.maxY },
                                    "\(city) \(tile): name ink at \(x),\(y) outside every name's box")
                            for (f, c) in circles where hypot(c.x - cx, c.y - cy) < ClustersLayer.radius(count: f.count) - 1 {
                                Issue.record("\(city) \(tile): name ink at \(x),\(y) inside the circle of \(f.count) at \(c.x),\(c.y)")
                            }
                        }
                    }
                }
            }
            #expect(inkSeen > 200, "\(city): names are drawn (\(inkSeen) ink pixels)")
        }
    }

    /// A report changes names over clusters only within the reach tile invalidation uses: every
    /// tile that draws differently after a few reports arrive lies within it.
    @Test func aNewReportChangesNamesOnlyWithinTheReach() throws {
        let data = Self.kaunas
        let reach = LayerCatalogue.standard.reportReach(ofTileLayer: "clusters,districts", labelReach: data.labelReach)
        #expect(reach.pixels == ClustersLayer.clusterRadius + ClustersLayer.maxCircle + data.labelReach && !reach.wholeDistrict)
        #expect(LayerCatalogue.standard.reportReach(ofTileLayer: "districts", labelReach: data.labelReach) == .none)
        #expect(LayerCatalogue.standard.reportReach(ofTileLayer: "district-density,reports", labelReach: 0)
                == ReportReach(pixels: Palette.symbolRadius + 1, wholeDistrict: true))
        // Ten reports on one eldership's label point, where a name stood, placed into the clusters
        // as the live index places them between two builds.
        let source = try #require(data.reports as? StaticReportSource)
        let target = data.districts[0].labelPoint
        let added = (0..<10).map { ClusterPoint(id: Int64(100_000 + $0), lon: target.x, lat: target.y, service: 0, district: 0) }
        let after = MapData(districts: data.districts, reports: FixedReports(index: source.catalogue.index(for: .all).adding(added), source: source))
        var changed = 0
        for z in [12, 13] {
            let near = TileGrid.range(covering: BoundingBox(minX: target.x, minY: target.y, maxX: target.x, maxY: target.y), marginPixels: reach.pixels!, zoom: z)
            for tile in Self.tiles(data, zoom: z, limit: 80) {
                let request = MapRequest(viewport: TileGrid.viewport(tile), layers: [.init(name: "clusters"), .init(name: "districts")], transparent: true)
                let before = try MapRenderer().render(request, data: data), now = try MapRenderer().render(request, data: after)
                guard before != now else { continue }
                changed += 1
                #expect(near.x.contains(tile.x) && near.y.contains(tile.y), "tile \(tile) changed beyond the reach")
            }
        }
        #expect(changed > 0)
    }
}

/// One index, whatever the filter: a map over reports added since the last build.
struct FixedReports: ReportSource {
    let index: ClusterIndex
    let source: StaticReportSource
    func reports(matching filter: ClusterFilter) -> ClusterIndex { index }
    func serviceCode(_ index: UInt16) -> String { source.serviceCode(index) }
    func serviceIndex(_ code: String) -> UInt16? { source.serviceIndex(code) }
    var statusNames: [String] { source.statusNames }
}
