import ArgumentParser
import Foundation

@main
struct Miestas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "miestas",
        abstract: "Miestas: a municipal geodata service — district routing, reports, consultations, map overlays.",
        discussion: "Settings come from --config (or $MIESTAS_CONFIG, or ./miestas.toml), MIESTAS_* variables and flags; `miestas config check` shows them.",
        version: "0.1.0",
        subcommands: [Serve.self, ConfigCommand.self, DemoCommand.self, MigrateCommand.self, BackupCommand.self, RestoreCommand.self, DistrictsCommand.self, ServicesCommand.self, APIKeysCommand.self, ReportsCommand.self, UsersCommand.self, AnalyzeCommand.self, TilesCommand.self, AuditCommand.self, OutboxCommand.self])
}

/// Prints `message` as an error on standard error and ends the command with a failure status.
func fail(_ message: Any) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode.failure
}

/// Progress and summaries go to standard error, so standard output stays clean for data.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
