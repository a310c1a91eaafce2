import ArgumentParser
import Foundation

@main
struct Miestas: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "miestas",
        abstract: "Miestas: a municipal geodata service — district routing, reports, consultations, map overlays.",
        discussion: "The database is an embedded SpatiaLite file, or a shared PostgreSQL/PostGIS database; see --database on each command.",
        version: "0.1.0",
        subcommands: [Serve.self, MigrateCommand.self, DistrictsCommand.self, ServicesCommand.self, APIKeysCommand.self, ReportsCommand.self, UsersCommand.self, AnalyzeCommand.self, TilesCommand.self, AuditCommand.self, OutboxCommand.self])
}

/// `--database` and `--media`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SpatiaLite database file (created if missing), or a PostgreSQL/PostGIS database: postgres://USER@HOST:PORT/DB or postgresql:///DB?host=/socket/folder. Default: $MIESTAS_DATABASE or var/miestas.sqlite.",
        valueName: "path-or-url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp(
        "Where uploaded photos and plan files are kept (several servers on one PostgreSQL must share it). Default: $MIESTAS_MEDIA, else the media folder beside a SpatiaLite file, var/media with PostgreSQL.",
        valueName: "folder"))
    var media: String?

    var path: String { database ?? SpatiaLiteStoreDefaults.path }
    var mediaDirectory: URL? { (media ?? ProcessInfo.processInfo.environment["MIESTAS_MEDIA"]).map { URL(fileURLWithPath: $0) } }
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
