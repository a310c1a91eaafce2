import ArgumentParser
import Districts
import Foundation
import Geo
import Identity
import Petitions
import Store

/// The store side of `Tools/bench/petitions/run`, which measures signing through HTTP
/// (`POST /api/petitions/{id}/signatures` against a release `miestas serve`, driven by wrk):
///   `residents`  signs in N residents (real sessions through `Residents.startSession`, each with a
///                personal code) and writes one line per resident for wrk: cookie, a place in the
///                city (or none) and the district it lies in, and the signer key;
///   `petition`   opens a new petition (sponsors 0) and prints its id;
///   `check`      looks up every resident's signature: as many stored as wrk counted answers (plus
///                at most the requests in flight when wrk stopped, answered after it stopped
///                counting), each with the district of the place the resident sent, and the
///                petition's counts per district exactly those.
struct PetitionsHTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "petitions-http", abstract: "Preparation and checks for Tools/bench/petitions/run.",
                                                    subcommands: [Residents.self, OpenPetition.self, Check.self])

    static let provider = "bench"
    static let issuer = "https://bench.example"

    struct Residents: AsyncParsableCommand {
        @Option var database: String
        @Option var count = 20_000
        @Option(help: "The server's identity.personal_code_secret.") var secret: String
        @Option(help: "Where to write one line per resident.") var out: String

        func run() async throws {
            let store = try await openStore(database, options: StoreOptions())
            let settings = IdentitySettings(providers: [ProviderSettings(id: PetitionsHTTPBench.provider, issuer: PetitionsHTTPBench.issuer,
                                                                         clientID: "c", clientSecret: "s")],
                                            redirectURI: "http://127.0.0.1/signin/callback", personalCodeSecret: secret)
            let residents = Identity.Residents(store: store, settings: settings)
            let locator = try DistrictLocator(districts: try await store.districts())
            let box = locator.districts.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1.geometry.boundingBox) }
            var random = SystemRandomNumberGenerator()
            // A place in a district for most; every twelfth resident sends none.
            let places: [(Coordinate, String)?] = (0..<count).map { i in
                guard i % 12 != 11 else { return nil }
                while true {
                    let c = Coordinate(Double.random(in: box.minX...box.maxX, using: &random), Double.random(in: box.minY...box.maxY, using: &random))
                    if let d = locator.locate(c) { return (c, d.code) }
                }
            }
            let lines = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0, out = [String](repeating: "", count: count)
                func add() {
                    let i = next; next += 1
                    group.addTask {
                        let code = "3" + String(format: "%010d", i)
                        let signIn = VerifiedSignIn(provider: PetitionsHTTPBench.provider, issuer: PetitionsHTTPBench.issuer,
                                                    claims: VerifiedClaims(subject: "r\(i)", level: .high, personalCode: code),
                                                    idToken: "t", purpose: .resident, requestedLevel: .high, next: "/")
                        let (cookie, session) = try await residents.startSession(signIn)
                        let key = Petitions.signerKey(residentId: session.resident.id, personalCodeDigest: session.resident.personalCodeDigest)
                        let place = places[i].map { String(format: "%.7f %.7f %@", $0.0.x, $0.0.y, $0.1) } ?? "- - -"
                        return (i, "\(cookie) \(place) \(key)")
                    }
                }
                for _ in 0..<min(32, count) { add() }
                while let (i, line) = try await group.next() {
                    out[i] = line
                    if next < count { add() }
                }
                return out
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
            await store.close()
            print("\(count) residents signed in; \(places.compactMap { $0 }.count) with a place")
        }
    }

    struct OpenPetition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "petition")
        @Option var database: String

        func run() async throws {
            let store = try await openStore(database, options: StoreOptions())
            var settings = PetitionSettings()
            settings.sponsorsNeeded = 0
            let petitions = Petitions(store: store, settings: settings)
            let author = try await store.signInResident(issuer: PetitionsHTTPBench.issuer, subject: "author-\(UUID())", personalCodeDigest: nil, at: Date())
            let actor = PetitionActor.resident(id: author.id, signerKey: "resident:\(author.id)")
            let p = try await petitions.create(PetitionText(title: "Bench", change: "Change", reason: "Reason", act: "Act"), by: actor)
            _ = try await petitions.submit(id: p.id, by: actor)
            _ = try await petitions.approve(id: p.id, by: .moderator(username: "bench"))
            await store.close()
            print(p.id)
        }
    }

    struct Check: AsyncParsableCommand {
        @Option var database: String
        @Option var petition: Int64
        @Option(help: "The residents' lines.") var lines: String
        @Option(help: "Signatures the server acknowledged (wrk's 2xx answers).") var acknowledged: Int
        @Option(help: "Requests in flight when wrk stopped (its connections): stored, not counted by wrk.") var inFlight = 0

        func run() async throws {
            let store = try await openStore(database, options: StoreOptions())
            let residents = try String(contentsOfFile: lines, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            var found = 0, wrongDistrict = 0, expected: [String: Int] = [:], withoutDistrict = 0
            try await withThrowingTaskGroup(of: (String?, PetitionSignature?).self) { group in
                var next = 0
                func add() {
                    let fields = residents[next]; next += 1
                    group.addTask { (fields[3] == "-" ? nil : fields[3], try await store.signature(petitionId: petition, signerKey: fields[4])) }
                }
                for _ in 0..<min(16, residents.count) { add() }
                while let (district, signature) = try await group.next() {
                    if let signature {
                        found += 1
                        if signature.districtCode != district { wrongDistrict += 1 }
                        if let district { expected[district, default: 0] += 1 } else { withoutDistrict += 1 }
                    }
                    if next < residents.count { add() }
                }
            }
            let counts = try await store.signatureCounts(petitionId: petition)
            await store.close()
            let exact = (acknowledged...(acknowledged + inFlight)).contains(found) && wrongDistrict == 0 && counts.total == found && counts.byDistrict == expected
                && counts.withoutDistrict == withoutDistrict
            print("stored \(found), acknowledged \(acknowledged), counted \(counts.total), wrong districts \(wrongDistrict): exact \(exact ? "yes" : "NO")")
            if !exact { throw ExitCode.failure }
        }
    }
}
