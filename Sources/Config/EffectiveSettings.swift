import Foundation

/// What `miestas config check` prints: every setting's effective value and where it came from,
/// secrets masked, grouped by section as the file would be.
extension Settings {
    public func describe() -> String {
        var lines: [String] = []
        lines.append("# configuration file: \(file ?? "none (defaults, environment and flags only)")")
        var section = ""
        let catalogue = Setting.catalogue
        let width = catalogue.map { $0.keyPath.last!.count }.max() ?? 0
        for setting in catalogue {
            let parts = setting.keyPath
            let head = parts.dropLast().joined(separator: ".")
            if head != section {
                section = head
                lines.append("")
                lines.append("[\(head)]")
            }
            let origin = origins[setting.key] ?? .defaultValue
            var value = setting.show(self)
            if setting.secret { value = origin == .defaultValue ? "(not set)" : "******** (set)" }
            let name = parts.last!.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(name) = \(value)   # \(origin)")
        }
        if !warnings.isEmpty {
            lines.append("")
            lines += warnings.map { "# warning: \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
