import ArgumentParser
import Reports
import Store

struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Import and list the service catalogue (the categories residents report under).",
        subcommands: [ImportServices.self, ListServices.self])
}

struct ImportServices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace the service catalogue with the services in FILE (JSON, like Data/services.json).",
        discussion: "The file is checked first (unique codes, attribute orders, list values, ...); a catalogue with problems changes nothing.")

    @Argument(help: "The catalogue file.") var file = ServiceCatalogue.defaultPath
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let services: [Service]
        do { services = try ServiceCatalogue.load(path: file) } catch { throw fail(error) }
        let store = try await options.open()
        do { try await store.replaceServices(services) } catch { throw fail(error) }
        let attributes = services.reduce(0) { $0 + $1.attributes.count }
        print("imported \(services.count) services with \(attributes) attributes from \(file)")
    }
}

struct ListServices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the services: code, group, name, attributes.")

    @Option(help: "The language of names: lt or en.") var locale = "lt"
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let services: [Service]
        do { services = try await store.services() } catch { throw fail(error) }
        guard !services.isEmpty else {
            note("no services: import the catalogue with `miestas services import Data/services.json`")
            return
        }
        let rows = services.map { s in
            [s.code, s.group.text(locale), s.name.text(locale), s.attributes.map { $0.code + ($0.required ? "*" : "") }.joined(separator: ", ")]
        }
        print(table(header: ["code", "group", "name", "attributes (* required)"], rows: rows))
    }
}
