import ArgumentParser
import Foundation
import Staff
import Store

extension StaffUser.Role: ExpressibleByArgument {}

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage staff accounts (residents need none).", subcommands: [AddUser.self, ListUsers.self])
}

struct AddUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a staff user; the password is read from standard input (at least 12 characters).",
        discussion: "Example: `printf '%s' \"$PASSWORD\" | miestas users add ona --role staff`")

    @Argument(help: "The username (letters, digits, '.', '_', '-').") var username: String
    @Option(help: "staff, planner, architect, moderator (petitions) or admin.") var role: StaffUser.Role
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let password = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard !password.isEmpty else { throw fail("give the password on standard input") }
        let store = try await options.open()
        do {
            let user = try await StaffAccounts(store: store).add(username: username, role: role, password: password)
            print("added \(user.role.rawValue) \(user.username) (id \(user.id))")
        } catch { throw fail(error) }
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List staff users.")
    @OptionGroup var options: SettingsOptions

    func run() async throws {
        let store = try await options.open()
        let users: [StaffUser]
        do { users = try await store.users() } catch { throw fail(error) }
        guard !users.isEmpty else { note("no users: add one with `miestas users add NAME --role staff`"); return }
        let day = Date.ISO8601FormatStyle().year().month().day()
        print(table(header: ["id", "username", "role", "created", "disabled"],
                    rows: users.map { [String($0.id), $0.username, $0.role.rawValue, $0.createdAt.formatted(day), $0.disabledAt?.formatted(day) ?? ""] },
                    rightAligned: [0]))
    }
}
