/// The WMS versions served, and version negotiation (06-042 §6.2.4).
public enum WMSVersion: String, CaseIterable, Comparable, Sendable {
    case v111 = "1.1.1"
    case v130 = "1.3.0"

    public static func < (a: WMSVersion, b: WMSVersion) -> Bool { a.number.lexicographicallyPrecedes(b.number) }

    var number: [Int] { rawValue.split(separator: ".").map { Int($0)! } }

    /// The version to answer a GetCapabilities that asked for `requested`: the same if served;
    /// otherwise the highest served below it, or the lowest if all are above; the highest when
    /// none was asked.
    public static func negotiate(_ requested: String?) -> WMSVersion {
        guard let requested, !requested.isEmpty else { return .v130 }
        if let exact = WMSVersion(rawValue: requested) { return exact }
        let asked = requested.split(separator: ".").map { Int($0) ?? 0 }
        func less(_ a: [Int], _ b: [Int]) -> Bool {
            for i in 0..<max(a.count, b.count) {
                let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
                if x != y { return x < y }
            }
            return false
        }
        return allCases.sorted().last { less($0.number, asked) } ?? .v111
    }
}
