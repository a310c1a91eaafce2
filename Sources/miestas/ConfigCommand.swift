import ArgumentParser
import Config
import Foundation

/// `miestas config check`: validates the configuration and prints what is in effect.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "The configuration: check it, or list every setting.",
        subcommands: [Check.self, Keys.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration (file, MIESTAS_* variables, flags) and print every setting in effect with where it came from.",
            discussion: "Exits non-zero, naming each problem with its file and line, when anything is wrong. Secrets are masked.")
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let settings = try options.load()
            print(settings.describe())
            note("configuration OK")
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every setting: its key in the file, its environment variables and flag, and what it does.")

        func run() async throws {
            for setting in Setting.catalogue {
                let names = (setting.environment + (setting.flag.map { [$0] } ?? [])).joined(separator: ", ")
                print("\(setting.key)  (\(names))\n    \(setting.help)")
            }
        }
    }
}
