import ArgumentParser
import Foundation
import Store

struct APIKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikeys",
        abstract: "Manage the API keys that Open311 clients need to create requests.",
        subcommands: [AddAPIKey.self, ListAPIKeys.self, RevokeAPIKey.self])
}

struct AddAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Make a key for a client; the key is printed once and only its hash is kept.")

    @Argument(help: "Who the key is for, e.g. \"kaunas-app\" (unique).") var name: String
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("the key needs a name") }
        let store = try await options.open()
        do {
            let (key, secret) = try await store.addAPIKey(name: name)
            print(secret)
            note("made API key \(key.id) '\(key.name)'; keep it now: it is not shown again")
        } catch { throw fail(error) }
    }
}

struct ListAPIKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys: id, name, prefix, when made and revoked.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let keys: [APIKey]
        do { keys = try await store.apiKeys() } catch { throw fail(error) }
        guard !keys.isEmpty else { note("no API keys: make one with `miestas apikeys add NAME`"); return }
        let day = Date.ISO8601FormatStyle().year().month().day()
        print(table(header: ["id", "name", "prefix", "created", "revoked"], rows: keys.map {
            [String($0.id), $0.name, $0.prefix + "…", $0.createdAt.formatted(day), $0.revokedAt?.formatted(day) ?? ""]
        }, rightAligned: [0]))
    }
}

struct RevokeAPIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key by name or id; it stops working at once.")

    @Argument(help: "The key's name or id.") var key: String
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let revoked: Bool
        do { revoked = try await store.revokeAPIKey(key) } catch { throw fail(error) }
        guard revoked else { throw fail("no active API key named or numbered '\(key)'") }
        print("revoked \(key)")
    }
}
