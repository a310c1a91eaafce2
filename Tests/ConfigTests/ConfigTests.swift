import Foundation
import Identity
import Testing
import TestSupport
@testable import Config
import RateLimits

/// A configuration file in a fresh folder, loaded as a command would.
private struct Scratch {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("miestas-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    func write(_ text: String, name: String = "miestas.toml") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    func loader(config: String? = nil, environment: [String: String] = [:]) -> SettingsLoader {
        SettingsLoader(configPath: config, environment: environment, workingDirectory: folder.path)
    }
}

/// The problems of a configuration that must fail.
private func problems(_ loader: SettingsLoader) -> [ConfigurationError.Problem] {
    do { _ = try loader.load(); return [] } catch { return error.problems }
}

@Suite struct ConfigTests {
    @Test func withoutAFileTheDefaultsHoldAndNothingIsCitySpecific() throws {
        let scratch = try Scratch()
        let settings = try scratch.loader().load()
        #expect(settings.file == nil)
        #expect(settings.server.port == 8080 && settings.server.host == "127.0.0.1")
        #expect(settings.storage.database == "var/miestas.sqlite")
        #expect(settings.jurisdictionID == "localhost")
        #expect(settings.municipality.timeZone == TimeZone.current)
        #expect(settings.intake.duplicateRadiusMetres == 30)
        #expect(settings.planning.minConsultationDays == 10)
        #expect(settings.web.languages == ["lt", "en"])
        #expect(Set(settings.origins.values) == [.defaultValue])
    }

    @Test func theFileIsFoundByFlagThenEnvironmentThenWorkingDirectory() throws {
        let scratch = try Scratch()
        let local = try scratch.write("[server]\nport = 8001\n")
        let viaEnv = try scratch.write("[server]\nport = 8002\n", name: "env.toml")
        let viaFlag = try scratch.write("[server]\nport = 8003\n", name: "flag.toml")
        #expect(try scratch.loader().load().server.port == 8001)
        #expect(try scratch.loader().load().file == local)
        #expect(try scratch.loader(environment: ["MIESTAS_CONFIG": viaEnv]).load().server.port == 8002)
        #expect(try scratch.loader(config: viaFlag, environment: ["MIESTAS_CONFIG": viaEnv]).load().server.port == 8003)
        // Named but missing is an error, never a silent fallback to defaults.
        #expect(problems(scratch.loader(config: scratch.folder.appendingPathComponent("nope.toml").path)).first?.location == "--config")
        #expect(problems(scratch.loader(environment: ["MIESTAS_CONFIG": "/nonexistent/miestas.toml"])).first?.location == "MIESTAS_CONFIG")
    }

    @Test func aFlagWinsOverTheEnvironmentWhichWinsOverTheFile() throws {
        let scratch = try Scratch()
        let path = try scratch.write("""
            [server]
            port = 8001
            host = "0.0.0.0"

            [intake]
            similar_radius_m = 40
            """)
        var loader = scratch.loader(environment: ["MIESTAS_SERVER_PORT": "8002", "MIESTAS_INTAKE_SIMILAR_RADIUS_M": "45"])
        loader.flag("server.port", "8003", name: "--port")
        let settings = try loader.load()
        #expect(settings.server.port == 8003)
        #expect(settings.origins["server.port"] == .flag("--port"))
        #expect(settings.intake.duplicateRadiusMetres == 45)
        #expect(settings.origins["intake.similar_radius_m"] == .environment("MIESTAS_INTAKE_SIMILAR_RADIUS_M"))
        #expect(settings.server.host == "0.0.0.0")
        #expect(settings.origins["server.host"] == .file("\(path):3"))
        #expect(settings.origins["server.log_level"] == .defaultValue)
        // --set reaches any setting, and older variable names still work as aliases.
        var set = scratch.loader(environment: ["MIESTAS_DATABASE": "/srv/old.sqlite"])
        set.set(["municipality.time_zone=America/New_York"])
        let s2 = try set.load()
        #expect(s2.municipality.timeZone.identifier == "America/New_York")
        #expect(s2.origins["municipality.time_zone"] == .flag("--set municipality.time_zone"))
        #expect(s2.storage.database == "/srv/old.sqlite")
    }

    @Test func everyProblemIsNamedWithItsLine() throws {
        let scratch = try Scratch()
        let path = try scratch.write("""
            # Elektrėnai
            [municipality]
            name = { lt = "Elektrėnų savivaldybė", en = "Elektrėnai" }
            time_zone = "Europe/Elektrenai"
            default_language = "lt"
            languages = ["lt", "nb"]

            [server]
            prot = 8080
            port = 70000
            public_url = "miestas.elektrenai.lt"

            [intake]
            similar_radius_m = "thirty"

            [colour]
            scheme = "dark"
            """)
        let found = problems(scratch.loader(config: path))
        func at(_ line: Int) -> [String] { found.filter { $0.location == "\(path):\(line)" }.map(\.message) }
        #expect(at(4).contains { $0.contains("'Europe/Elektrenai' is not an IANA time zone") })
        #expect(at(6).contains { $0.contains("no translations for 'nb'") && $0.contains("en, lt") })
        #expect(at(9) == ["no setting named 'server.prot' (did you mean server.port?)"])
        #expect(at(10).contains { $0.contains("70000 is out of range (1 to 65535)") })
        #expect(at(11).contains { $0.contains("is not an http or https address") })
        #expect(at(14).contains { $0.contains("expected a number, found a string") })
        #expect(at(16).contains { $0.hasPrefix("no section or setting named 'colour'") })
        #expect(found.count == 7, "\(found)")
        // The message an operator reads: one line per problem, file:line first.
        let text = (try? scratch.loader(config: path).load()).map { _ in "" } ?? ConfigurationError(found).description
        #expect(text.split(separator: "\n").count == 7)
    }

    @Test func districtPopulationsAreWholeNumbersInTheFileOnly() throws {
        let scratch = try Scratch()
        var path = try scratch.write("""
            [municipality]
            district_populations = { D1 = 12500, "Žirmūnai" = 48000 }
            """)
        let settings = try scratch.loader(config: path).load()
        #expect(settings.petitions.districtPopulations == ["D1": 12_500, "Žirmūnai": 48_000])
        path = try scratch.write("""
            [municipality]
            district_populations = { D1 = -3, D2 = "many" }
            """)
        let found = problems(scratch.loader(config: path)).map(\.message).joined(separator: "\n")
        #expect(found.contains("residents must be whole numbers") && found.contains("D1 = -3") && found.contains("D2 ("), "\(found)")
        let fromEnvironment = problems(scratch.loader(environment: ["MIESTAS_MUNICIPALITY_DISTRICT_POPULATIONS": "D1=5"]))
        #expect(fromEnvironment.contains { $0.message.contains("in the file only") }, "\(fromEnvironment)")
    }

    @Test func syntaxErrorsAndEnvironmentProblemsSayWhere() throws {
        let scratch = try Scratch()
        let broken = try scratch.write("[server]\nport = \n", name: "broken.toml")
        #expect(problems(scratch.loader(config: broken)).first?.location == "\(broken):2")
        #expect(problems(scratch.loader(environment: ["MIESTAS_SERVER_PORT": "eighty"])).map(\.location) == ["MIESTAS_SERVER_PORT"])
        var flags = scratch.loader()
        flags.set(["server.porr=1", "nonsense"])
        let found = problems(flags)
        #expect(found.contains { $0.location == "--set server.porr" && $0.message.contains("did you mean server.port?") })
        #expect(found.contains { $0.location == "--set nonsense" })
        // A default language not offered, a sender without a relay: rules between settings.
        let rules = try scratch.write("""
            [municipality]
            default_language = "en"
            languages = ["lt"]
            [smtp]
            from = "x@example.org"
            """, name: "rules.toml")
        let messages = problems(scratch.loader(config: rules)).map(\.message)
        #expect(messages.contains { $0.contains("'en' is not among municipality.languages") })
        #expect(messages.contains { $0.contains("smtp.from is set but smtp.host is not") })
        // A typo in a variable name is not an error, but it is said.
        let warned = try scratch.loader(environment: ["MIESTAS_SERVR_PORT": "1"]).load().warnings
        #expect(warned.first?.contains("MIESTAS_SERVR_PORT is not a setting") == true)
    }

    @Test func aFullConfigurationReadsIntoTheModulesSettings() throws {
        let scratch = try Scratch()
        let path = try scratch.write("""
            [municipality]
            name = { lt = "Bostonas", en = "Boston" }
            jurisdiction_id = "boston.gov"
            contact = "311 <311@boston.gov>"
            time_zone = "America/New_York"
            default_language = "en"
            languages = ["en", "lt"]

            [server]
            public_url = "https://311.boston.gov/"
            trusted_proxies = ["127.0.0.1", "10.0.0.0/8"]

            [storage]
            database = "/srv/miestas/boston.sqlite"
            media = "/srv/miestas/media"

            [map]
            center = [-71.06, 42.36]
            zoom = 13
            base_layer_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
            base_layer_attribution = "© OpenStreetMap contributors"

            [intake]
            similar_radius_m = 25
            similar_window_days = 14

            [planning]
            min_consultation_days = 21
            comment_max_distance_m = 250.5

            [limits]
            reports_per_address = "10/hour"
            comments_per_address = "off"

            [smtp]
            host = "relay.boston.gov"
            from = "noreply@boston.gov"

            [wms]
            extra_epsg = [2249, "EPSG:26986"]
            """)
        let s = try scratch.loader(config: path).load()
        #expect(s.municipality.name(in: "en") == "Boston" && s.municipality.name(in: "lt") == "Bostonas")
        #expect(s.jurisdictionID == "boston.gov")
        #expect(s.municipality.timeZone.identifier == "America/New_York")
        #expect(s.web.defaultLanguage == "en" && s.web.languages == ["en", "lt"])
        #expect(s.server.publicURL?.absoluteString == "https://311.boston.gov/")
        #expect(s.server.trustedProxies == ["127.0.0.1", "10.0.0.0/8"])
        #expect(s.storage.media == "/srv/miestas/media")
        #expect(s.web.initialView == .init(longitude: -71.06, latitude: 42.36) && s.web.initialZoom == 13)
        #expect(s.web.baseLayerAttribution == "© OpenStreetMap contributors")
        #expect(s.intake.duplicateRadiusMetres == 25 && s.intake.duplicateWindow == 14 * 86_400)
        #expect(s.planning.minConsultationDays == 21 && s.planning.commentMaxDistanceMetres == 250.5)
        #expect(s.limits.reportsPerAddress == Rate(count: 10, period: 3600) && s.limits.commentsPerAddress == nil)
        #expect(s.smtp.host == "relay.boston.gov")
        #expect(s.wmsExtraEPSG == [2249, 26986])
        // The effective configuration names each value's origin.
        let described = s.describe()
        #expect(described.contains("time_zone") && described.contains("America/New_York"))
        #expect(described.contains("# file (\(path):5)"))
        #expect(described.contains("port") && described.contains("# default"))
    }

    @Test func theDemoConfigurationIsValid() throws {
        let path = TestPaths.repository.appendingPathComponent("Data/demo/miestas.toml").path
        let settings = try SettingsLoader(configPath: path, environment: [:]).load()
        #expect(settings.jurisdictionID == "kaunas.lt")
        #expect(settings.municipality.timeZone.identifier == "Europe/Vilnius")
    }

    @Test func keysAreFoundOnTheirLines() {
        let text = """
            top = 1
            [a]
            b = 2
            "quoted.key" = 3
            c.d = 4
            s = \"\"\"
            e = not a key
            \"\"\"
            e = 5
            [[list]]
            x = 1
            """
        let lines = KeyLines(text)
        #expect(lines.line(of: ["top"]) == 1)
        #expect(lines.line(of: ["a"]) == 2)
        #expect(lines.line(of: ["a", "b"]) == 3)
        #expect(lines.line(of: ["a", "quoted.key"]) == 4)
        #expect(lines.line(of: ["a", "c", "d"]) == 5)
        #expect(lines.line(of: ["a", "c"]) == 5)
        #expect(lines.line(of: ["a", "e"]) == 9)
        #expect(lines.line(of: ["list", "x"]) == 11)
        #expect(lines.line(of: ["missing"]) == nil)
    }
}

@Suite struct ConfigDocumentationTests {
    /// The operator's guide lists every setting the catalogue has.
    @Test func everySettingIsInTheOperatorsGuide() throws {
        let guide = try String(contentsOf: TestPaths.repository.appendingPathComponent("docs/operators.md"), encoding: .utf8)
        let missing = Setting.catalogue.map(\.key).filter { !guide.contains("`\($0)`") }
        #expect(missing.isEmpty, "docs/operators.md lacks \(missing)")
    }
}

@Suite struct SecretSettingsTests {
    @Test func secretsAreReadButNeverShown() throws {
        let scratch = try Scratch()
        let path = try scratch.write("""
            [smtp]
            host = "smtp.example.org"
            port = 587
            from = "miestas@example.org"
            security = "starttls"
            username = "miestas"
            """)
        let settings = try scratch.loader(config: path, environment: ["MIESTAS_SMTP_PASSWORD": "hunter2-relay"]).load()
        #expect(settings.smtp.password == "hunter2-relay" && settings.smtp.security == .starttls)
        let shown = settings.describe()
        #expect(!shown.contains("hunter2"))
        #expect(shown.contains("******** (set)   # environment (MIESTAS_SMTP_PASSWORD)"))
        // A password over an unencrypted connection to another host is refused.
        let plain = try scratch.write("[smtp]\nhost = \"smtp.example.org\"\nfrom = \"a@example.org\"\nusername = \"u\"\npassword = \"p\"\n", name: "plain.toml")
        #expect(problems(scratch.loader(config: plain)).contains { $0.message.contains("unencrypted") && $0.location == "\(plain):2" })
    }
}

@Suite struct NothingCitySpecificTests {
    /// No city's zone, domain or addresses in the code outside comments: they come from settings.
    @Test func theSourcesNameNoCity() throws {
        let sources = TestPaths.repository.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 100)
        var found: [String] = []
        for file in files {
            for (n, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                for city in ["Europe/Vilnius", "kaunas.lt", "@kaunas"] where code.contains(city) {
                    found.append("\(file.lastPathComponent):\(n + 1): \(city)")
                }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite struct IdentitySectionTests {
    @Test func theIdentitySectionIsReadWithItsSecretsMaskedAndItsProblemsNamed() throws {
        let scratch = try Scratch()
        let path = try scratch.write("""
            [identity]
            redirect_uri = "https://miestas.example.org/signin/callback"
            required_levels = { report = "substantial" }
            session_hours = 2

            [[identity.providers]]
            id = "viisp"
            name = "E. valdžios vartai"
            issuer = "https://broker.example.org/realms/viisp"
            client_id = "miestas"
            client_secret = "hunter2-client"
            auth_method = "client_secret_post"
            personal_code_claim = "pid"
            acr = { "urn:loa:low" = "low", "urn:loa:substantial" = "substantial" }

            [[identity.staff]]
            provider = "viisp"
            subject = "abc"
            username = "jonas"
            role = "planner"
            """, name: "identity.toml")
        let settings = try scratch.loader(config: path, environment: ["MIESTAS_IDENTITY_PERSONAL_CODE_SECRET": String(repeating: "k", count: 40)]).load()
        let identity = try #require(settings.identity)
        #expect(identity.providers.map(\.id) == ["viisp"] && identity.providers[0].authMethod == .clientSecretPost)
        #expect(identity.providers[0].acrLevels == ["urn:loa:low": .low, "urn:loa:substantial": .substantial])
        #expect(identity.requiredLevel(for: .report) == .substantial && identity.sessionLifetime == 7200)
        #expect(identity.staff == [StaffMapping(provider: "viisp", subject: "abc", username: "jonas", role: .planner)])
        let shown = settings.describe()
        #expect(!shown.contains("hunter2") && !shown.contains("kkkk") && shown.contains("client_secret = ********"))
        // Without providers there is no resident sign-in.
        #expect(try scratch.loader().load().identity == nil)
        // Problems, each named: a short secret, an http issuer, an unknown staff provider, a bad level.
        let bad = try scratch.write("""
            [identity]
            redirect_uri = "https://miestas.example.org/signin/callback"
            personal_code_secret = "short"
            required_levels = { report = "medium" }
            [[identity.providers]]
            id = "x"
            issuer = "http://broker.example.org"
            client_id = "c"
            client_secret = "s"
            personal_code_claim = "pid"
            [[identity.staff]]
            provider = "nowhere"
            subject = "s"
            username = "u"
            role = "planner"
            """, name: "bad.toml")
        let messages = problems(scratch.loader(config: bad)).map(\.message)
        #expect(messages.contains { $0.contains("'medium' is not a level") })
        #expect(messages.contains { $0.contains("personal_code_secret") } && messages.contains { $0.contains("issuer 'http://broker.example.org'") })
        #expect(messages.contains { $0.contains("provider 'nowhere'") })
    }
}
