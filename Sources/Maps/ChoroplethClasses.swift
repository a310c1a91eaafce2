/// Five classes for a choropleth: the upper bound of each, quantiles over every district's value
/// (not only those in view, so every tile and map of one request's data uses the same classes).
struct ChoroplethClasses: Sendable {
    let breaks: [Double]

    init(_ values: [Double], classes: Int) {
        let sorted = values.sorted()
        var breaks: [Double] = []
        if !sorted.isEmpty {
            for k in 1...classes { breaks.append(sorted[min(sorted.count - 1, (sorted.count * k + classes - 1) / classes - 1)]) }
        }
        self.breaks = breaks
    }

    func classIndex(_ value: Double) -> Int { breaks.firstIndex { value <= $0 } ?? max(0, breaks.count - 1) }
}
