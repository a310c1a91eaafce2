import Foundation
import Testing

/// Runs the built `miestas` executable the way a user does, and checks exit codes and messages.
struct CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary sits beside the test bundle in the build folder.
    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("miestas")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/miestas")
    }

    let database: String
    init() {
        database = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-cli-\(UUID().uuidString)/db.sqlite").path
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    func run(_ arguments: [String], withDatabase: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + (withDatabase ? ["--database", database] : [])
        process.currentDirectoryURL = Self.repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    @Test(arguments: [["--help"], ["serve", "--help"], ["districts", "--help"], ["districts", "import", "--help"],
                      ["districts", "list", "--help"], ["districts", "locate", "--help"],
                      ["services", "import", "--help"], ["services", "list", "--help"],
                      ["apikeys", "add", "--help"], ["apikeys", "list", "--help"], ["apikeys", "revoke", "--help"],
                      ["audit", "verify", "--help"], ["outbox", "list", "--help"],
                      ["outbox", "send", "--help"], ["outbox", "retry", "--help"]])
    func everyCommandHasHelp(_ args: [String]) throws {
        let r = try CLI().run(args, withDatabase: false)
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE:"))
    }

    @Test func importListAndLocate() throws {
        let cli = CLI()
        let imported = try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 11 districts"))
        #expect(imported.stdout.contains("overlaps: none") && imported.stdout.contains("gaps: none"))

        let list = try cli.run(["districts", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").count == 12)  // header + 11
        #expect(list.stdout.contains("Vilijampolė"))

        // Again without --replace: refused, with the fix in the message.
        let again = try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("--replace"))

        let outside = try cli.run(["districts", "locate", "25.0", "54.0"])
        #expect(outside.status == 0 && outside.stdout == "none\n")
    }

    @Test func servicesImportAndList() throws {
        let cli = CLI()
        let imported = try cli.run(["services", "import", "Data/services.json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 8 services"))
        let list = try cli.run(["services", "list", "--locale", "en"])
        #expect(list.stdout.contains("fallen_tree") && list.stdout.contains("blocking_road*"))
        let missing = try cli.run(["services", "import", "no/such.json"])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"))
    }

    @Test func apiKeysAddListRevoke() throws {
        let cli = CLI()
        let added = try cli.run(["apikeys", "add", "kaunas-app"])
        #expect(added.status == 0)
        let secret = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("mk_") && secret.count == 67)
        #expect(added.stderr.contains("not shown again"))
        let list = try cli.run(["apikeys", "list"])
        #expect(list.stdout.contains("kaunas-app") && list.stdout.contains(String(secret.prefix(10))) && !list.stdout.contains(secret))
        #expect(try cli.run(["apikeys", "add", "kaunas-app"]).stderr.contains("exists already"))
        #expect(try cli.run(["apikeys", "revoke", "kaunas-app"]).status == 0)
        let again = try cli.run(["apikeys", "revoke", "kaunas-app"])
        #expect(again.status != 0 && again.stderr.contains("no active API key"))
    }

    @Test func batchLocateWritesADistrictColumn() throws {
        let cli = CLI()
        _ = try cli.run(["districts", "import", "Data/demo/kaunas-seniunijos.geojson"])
        let dir = URL(fileURLWithPath: cli.database).deletingLastPathComponent()
        let input = dir.appendingPathComponent("points.csv"), output = dir.appendingPathComponent("out.csv")
        try Data("id,note,x,y\n1,\"in, the city\",23.93,54.90\n2,far away,25.5,55.5\n3,no coordinates,,\n".utf8).write(to: input)
        let r = try cli.run(["districts", "locate", "--csv", input.path, "--lon-column", "x", "--lat-column", "y", "--output", output.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("3 rows: 1 located, 1 outside every district, 1 without usable coordinates"))
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "id,note,x,y,district")
        #expect(lines[1].hasPrefix("1,\"in, the city\",23.93,54.90,") && !lines[1].hasSuffix(","))
        #expect(lines[2] == "2,far away,25.5,55.5,")
        let missingColumn = try cli.run(["districts", "locate", "--csv", input.path])
        #expect(missingColumn.status != 0 && missingColumn.stderr.contains("--lon-column"))
    }

    @Test func clearErrorsAndNonZeroExits() throws {
        let cli = CLI()
        let cases: [([String], String)] = [
            (["districts", "import", "no/such/file.geojson"], "no such file: no/such/file.geojson"),
            (["districts", "import", "Tests/DistrictsTests/Fixtures/districts.kml"], "cannot tell the format"),
            (["districts", "import", "Tests/DistrictsTests/Fixtures/unknown-crs.geojson"], "unknown coordinate reference system"),
            (["districts", "import", "Tests/DistrictsTests/Fixtures/points-only.geojson"], "holds no polygons"),
            (["districts", "import", "Data/demo/kaunas-seniunijos.geojson", "--name-field", "title"], "no field 'title'"),
            (["districts", "import", "Tests/DistrictsTests/Fixtures/out-of-range.geojson"], "outside the valid range"),
            (["districts", "locate", "200", "54"], "coordinates out of range"),
            (["districts", "locate", "24"], "give LON LAT"),
        ]
        for (args, message) in cases {
            let r = try cli.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }
}
