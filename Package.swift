// swift-tools-version:6.0
import PackageDescription

// Miestas: a municipal geodata service. Dependencies point one way:
// miestas -> Server -> Districts (and later Reports, Clusters, Planning, Maps) -> Store, Geo.
let package = Package(
    name: "Miestas",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "miestas", targets: ["miestas"]),
        .executable(name: "miestas-bench", targets: ["MiestasBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, nothing else.
        .systemLibrary(name: "CSpatiaLite", pkgConfig: "spatialite",
                       providers: [.apt(["libspatialite-dev", "libsqlite3-mod-spatialite"])]),
        .systemLibrary(name: "CProj", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Geometry values, codecs, CRS (PROJ) and geometry operations (GEOS). No SQL, no HTTP.
        .target(name: "Geo", dependencies: ["CProj", "CGEOS"]),
        // All persistence: SpatiaLite through GRDB, or PostgreSQL/PostGIS through postgres-nio,
        // behind the same protocols. SQL lives here and nowhere else.
        .target(name: "Store", dependencies: [
            "Geo", "JSONText",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // JSON text written straight into bytes: the one JSON string escaper (Open311, the planning
        // register, the audit log's canonical form).
        .target(name: "JSONText"),
        // Messages for people: a key, an English template and arguments, rendered in English for
        // the API and in the visitor's language on the pages. No dependencies.
        .target(name: "Messages"),
        // RFC 4180 CSV reading and writing (district lookup in batch, later 311 imports).
        .target(name: "CSV"),
        // Districts: import (read, reproject, repair, check topology) and point location.
        .target(name: "Districts", dependencies: ["Geo", "Store", "CSV"]),
        // Reports: the service catalogue, intake, the status workflow.
        .target(name: "Reports", dependencies: ["Districts", "Store", "Geo", "CSV", "JSONText", "Messages"]),
        // Map clusters per zoom (free or per district) and hotspot analysis (DBSCAN in metres).
        // Pure computation over points: no SQL, no HTTP.
        .target(name: "Clusters", dependencies: ["Geo"]),
        // Maps: WMS, the layer catalogue and styles, the Cairo renderer, the tile grid and cache.
        // Draws from values handed in (districts, cluster indexes): no SQL, no HTTP.
        .target(name: "Maps", dependencies: ["Geo", "Clusters", "CCairo", "CJPEG", "CZlib"]),
        // Staff accounts: bcrypt passwords and bearer tokens.
        .target(name: "Staff", dependencies: ["Store", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")]),
        // Planning consultations: plans, stages and their rules, comments, moderation, answers,
        // the authorization table, the audit chain's checks, reports (JSON, CSV, PDF via Cairo).
        .target(name: "Planning", dependencies: [
            "Store", "Geo", "CSV", "CCairo", "JSONText", "Mail", "Messages", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // E-petitions: the lifecycle and its rules, sponsors, signatures (one per person), moderation,
        // thresholds and answers, over the store's `PetitionStore`. No SQL, no HTTP.
        .target(name: "Petitions", dependencies: ["Store", "Geo", "Messages"]),
        // Outgoing mail: RFC 5322 messages and an SMTP client for the city's mail relay (plain,
        // STARTTLS or implicit TLS, with AUTH PLAIN).
        .target(name: "Mail", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Residents' identity: the OpenID Connect relying party (discovery, PKCE, ID-token checks
        // with jwt-kit), eIDAS levels of assurance and step-up, resident sessions and the keyed
        // digest of the national personal code. Staff roles stay in Staff.
        .target(name: "Identity", dependencies: [
            "Store", "Messages",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The web pages: the public map, report form, district and consultation pages, and the
        // staff workspace, rendered on the server from the Mustache templates and translations
        // under Data/web. Goes through Reports, Planning and Staff for every rule.
        .target(name: "Web", dependencies: [
            "Districts", "RateLimits", "Reports", "Staff", "Store", "Planning", "Geo", "Messages", "Identity", "Petitions", "Maps",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Per-client limits on anonymous writes: the client's address (trusted proxies and
        // X-Forwarded-For), token buckets per client, the request context that carries the peer.
        .target(name: "RateLimits", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        // Config: the settings, one value read at start from flags, MIESTAS_* variables and miestas.toml
        // (TOMLKit), validated with every problem named, and handed down to the modules.
        .target(name: "Config", dependencies: [
            "Identity", "Mail", "Maps", "Petitions", "Planning", "RateLimits", "Reports", "Web", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The Hummingbird application.
        .target(name: "Server", dependencies: [
            "Clusters", "Config", "Districts", "Maps", "RateLimits", "Reports", "Staff", "Store", "Planning", "JSONText", "Web", "Messages", "Identity",
            "Petitions", "CSV",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], resources: [.copy("Resources/openapi.json")]),
        .executableTarget(name: "miestas", dependencies: [
            "Clusters", "Config", "Server", "Districts", "Maps", "Reports", "Staff", "Store", "Geo", "CSV", "Planning", "JSONText", "Mail", "Identity",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "MiestasBench", dependencies: [
            "Clusters", "RateLimits", "Districts", "Reports", "Store", "Geo", "CSV", "Planning", "Petitions", "Identity",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Tools/bench/Sources/MiestasBench"),

        .testTarget(name: "SystemLibrariesTests", dependencies: ["CSpatiaLite", "CProj", "CGEOS", "CCairo"]),
        .testTarget(name: "GeoTests", dependencies: ["Geo"]),
        .testTarget(name: "CSVTests", dependencies: ["CSV"]),
        .testTarget(name: "MessagesTests", dependencies: ["Messages"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "Geo", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "DistrictsTests", dependencies: ["Districts", "Store", "Geo", "CSV", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Store", "Districts", "Geo", "JSONText", "Messages", "TestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Store", "Geo", "Mail", "Messages", "TestSupport"]),
        .testTarget(name: "PetitionsTests", dependencies: ["Petitions", "Store", "TestSupport"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "TestSupport"]),
        .testTarget(name: "StaffTests", dependencies: ["Staff", "Store"]),
        .testTarget(name: "IdentityTests", dependencies: [
            "Identity", "Store", "Geo", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RateLimitsTests", dependencies: ["RateLimits"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Identity", "Mail", "Planning", "RateLimits", "Reports", "Web", "TestSupport"]),
        // What several test targets share: where the repository and the shared data are, real
        // local servers to test against (SMTP, OpenID Connect providers), and fresh stores on either backend.
        .target(name: "TestSupport", dependencies: [
            "Config", "RateLimits", "Store", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "ClustersTests", dependencies: ["Clusters", "Districts", "Geo", "CSV", "TestSupport"]),
        .testTarget(name: "MapsTests", dependencies: ["Maps", "Clusters", "Geo", "CCairo"], exclude: ["Fixtures"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Clusters", "Config", "RateLimits", "TestSupport", "Identity", "Petitions", "Staff", "Store", "Geo",
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "WebTests", dependencies: [
            "Web", "Config", "RateLimits", "Server", "Store", "Planning", "Reports", "Staff", "Messages", "Identity", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Runs the built `miestas` binary as a user would.
        .testTarget(name: "MiestasCLITests", dependencies: [
            "miestas", "Planning", "Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
