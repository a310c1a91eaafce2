import ArgumentParser
import Config
import Foundation
import Planning
import Staff
import Store

/// `miestas demo seed`: the demo city's people and consultations, so a newcomer sees every part
/// of Miestas working (`Tools/serve-demo` runs it).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Fill a database with the demo city's staff accounts and planning consultations.",
        subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the demo staff accounts (passwords generated and printed once) and two consultations: one open now, one archived.",
            discussion: """
                Made through the same rules as real work, from a script of data (Data/demo/consultations.json): a plan in \
                consultation with a published version and a dozen comments of every kind (some moderated, some answered), \
                and a plan that went through every stage to the archive, its audit log complete. Running it again adds \
                nothing. The script's places must lie in the districts imported (the demo's are in Kaunas).
                """)
        @OptionGroup var options: SettingsOptions
        @Option(help: ArgumentHelp("The demo's people and consultations, as data.", valueName: "file"))
        var script = "Data/demo/consultations.json"

        func run() async throws {
            let settings = try options.load()
            let store = try await options.open(settings)
            let demo: DemoScript
            do { demo = try DemoScript.load(script) } catch { throw fail(error) }
            let created: [(DemoPeople.Account, String)]
            do { created = try await DemoPeople.create(in: store, from: demo) } catch { throw fail(error) }
            if created.isEmpty {
                note("the demo accounts exist already (their passwords were printed when they were made)")
            } else {
                print("Demo staff accounts (the passwords are shown only now; sign in at /staff/login):")
                print(table(header: ["username", "role", "password"], rows: created.map { [$0.0.username, $0.0.role.rawValue, $0.1] }))
            }
            do {
                let made = try await DemoConsultations(store: store, settings: settings.planning, script: demo).seed()
                if made.isEmpty { note("the demo consultations exist already") }
                for line in made { print(line) }
            } catch { throw fail(error) }
        }
    }
}

/// The demo's staff: one account per role, with passwords nobody has seen before.
enum DemoPeople {
    struct Account { var username: String; var role: StaffUser.Role }

    /// Creates the script's accounts that do not exist yet; answers them with their passwords.
    static func create(in store: any MiestasStore, from script: DemoScript) async throws -> [(Account, String)] {
        let existing = Set(try await store.users().map(\.username))
        let accounts = StaffAccounts(store: store)
        var created: [(Account, String)] = []
        for role in [StaffUser.Role.planner, .architect, .staff, .admin] {
            let account = Account(username: try script.username(role), role: role)
            guard !existing.contains(account.username) else { continue }
            let password = Self.password()
            _ = try await accounts.add(username: account.username, role: role, password: password)
            created.append((account, password))
        }
        return created
    }

    /// 16 letters and digits from the system's random source, without look-alikes (0/O, 1/l/I).
    static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
