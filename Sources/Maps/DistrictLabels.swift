import CCairo
import Clusters
import Foundation
import Geo

/// The district names of a map, drawn after every layer: placed at the map's scale over every
/// district (`LabelLayout`), keeping off the cluster circles when the clusters layer is in the
/// same picture, and drawn whole wherever they meet the view (another view at the same scale,
/// such as the neighbouring tile, draws the rest of a name that crosses its edge).
enum DistrictLabels {
    static func draw(_ scene: Scene) {
        let origin = GlobalPixels(scene.frame).origin(of: scene.frame.viewport)
        for (label, box) in placements(scene) {
            let c = box.centre
            TextDrawing.label(scene.context, label.text, centredAt: c.x - origin.x, c.y - origin.y, size: label.size,
                              colour: Palette.labelText, halo: Palette.halo, bold: true)
        }
    }

    /// The names that meet the view, each with its box in global pixels.
    static func placements(_ scene: Scene) -> [(label: LayoutLabel, box: LabelBox)] {
        let space = GlobalPixels(scene.frame)
        let frame = scene.frame
        let layout = scene.data.labelLayouts.layout(space) {
            LabelLayout(districts: scene.data.districts, space: space, projector: frame.projector)
        }
        let obstacles: ((LabelBox) -> [LabelObstacle])? = scene.layerNames.contains(ClustersLayer().name)
            ? { region in circles(scene, space: space, near: region) } : nil
        return layout.placements(in: space.box(of: frame.viewport), obstacles: obstacles)
    }

    /// The cluster circles the clusters layer draws that can reach into `region` (global pixels),
    /// with their white rims.
    static func circles(_ scene: Scene, space: GlobalPixels, near region: LabelBox) -> [LabelObstacle] {
        let reach = (ClustersLayer.maxCircle + 1) * scene.ratio
        let grown = LabelBox(minX: region.minX - reach, minY: region.minY - reach, maxX: region.maxX + reach, maxY: region.maxY + reach)
        var corners = [space.mapCoordinate(grown.minX, grown.minY), space.mapCoordinate(grown.maxX, grown.minY),
                       space.mapCoordinate(grown.minX, grown.maxY), space.mapCoordinate(grown.maxX, grown.maxY)]
        scene.frame.projector.inverse(&corners)
        var box = BoundingBox.empty
        for c in corners where c.x.isFinite && c.y.isFinite { box.expand(toInclude: c) }
        guard !box.isEmpty else { return [] }
        let index = scene.reports
        let features = index.clusters(in: MapBounds(west: box.minX, south: box.minY, east: box.maxX, north: box.maxY),
                                      zoom: ClustersLayer.clusterZoom(scene)).filter { $0.report == nil }
        var centres = features.map { Coordinate($0.lon, $0.lat) }
        scene.frame.projector.forward(&centres)
        return zip(features, centres).compactMap { f, c in
            let p = space.pixel(c)
            guard p.x.isFinite, p.y.isFinite else { return nil }
            return LabelObstacle(x: p.x, y: p.y, radius: ClustersLayer.outerRadius(count: f.count) * scene.ratio)
        }
    }
}
