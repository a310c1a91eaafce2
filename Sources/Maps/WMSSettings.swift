/// How the WMS presents itself and what it allows.
public struct WMSSettings: Sendable {
    public var title: String
    public var abstract: String
    /// Every CRS offered: the standard four, then configured extra EPSG codes.
    public var crsIdentifiers: [String]
    public var maxWidth: Int
    public var maxHeight: Int
    /// The most layers one GetMap may ask for.
    public var layerLimit: Int

    public init(title: String = "Miestas", abstract: String? = nil, extraEPSGCodes: [Int] = [],
                maxWidth: Int = 4096, maxHeight: Int = 4096, layerLimit: Int = 5) {
        self.title = title
        self.abstract = abstract ?? """
            Miestas map overlays: districts, residents' reports, clusters, a heat map and reports per km². \
            Vendor parameters on GetMap, GetFeatureInfo, GetLegendGraphic and the tiles: SERVICE_CODE=code[,code...] \
            (only these services' reports) and STATUS=open|acknowledged|in_progress|closed[,...] (open means every \
            unresolved status). The report layers have a TIME dimension: an ISO 8601 instant (the whole period of its \
            precision) or start/end.
            """
        var crs = MapCRS.standardIdentifiers
        for code in extraEPSGCodes where !crs.contains("EPSG:\(code)") { crs.append("EPSG:\(code)") }
        self.crsIdentifiers = crs
        self.maxWidth = maxWidth; self.maxHeight = maxHeight; self.layerLimit = layerLimit
    }
}
