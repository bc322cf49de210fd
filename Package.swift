// swift-tools-version: 6.2
// Docket: a correspondence and submission workflow manager for a council's governance team.
import PackageDescription

let package = Package(
    name: "Docket",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "docket", targets: ["docket"]),
        .library(name: "XML", targets: ["XML"]),
    ],
    // Exact versions (the ones Package.resolved records): a new minor release of any of these
    // could change behaviour the tests rely on, so moving one is a change of its own.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit", exact: "5.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        // The configuration file (JSON) and the environment, read by the command-line tool.
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
    ],
    targets: [
        // The system libxml2, seen through a small shim header (see docs/pitfalls.md: ICU clash, xmlFree).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The system xmlsec (OpenSSL backend) for W3C XML Signatures, seen through a shim header that
        // fixes its ABI defines and reads libxml2's headers as CLibXML2 does. Used only by XML.
        // SwiftPM drops the -D flags pkg-config gives (its "prohibited flag(s)" warning), so the
        // shim defines them itself.
        .systemLibrary(
            name: "CXMLSec",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxmlsec1-dev"])]
        ),
        // glibc calls the Glibc module leaves out: malloc tuning (`mallopt`, for the reindex's peak
        // memory: see `DocketArchive.reindex`) and thread names (the server's archive work threads).
        .systemLibrary(name: "CGlibcExtras"),
        // The only module that touches libxml2 pointers: hardened parsing, XSD, XPath, building, C14N,
        // and enveloped XML Signatures (xmlsec).
        .target(name: "XML", dependencies: ["CLibXML2", "CXMLSec"]),
        // Workflow definitions (SCXML) and the pure state machine: no file system, no clock.
        .target(
            name: "Workflow",
            dependencies: ["XML", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The archive on disk, the system of record: layout, durable writes, XML records, verify.
        .target(
            name: "Archive",
            dependencies: [
                "XML", "Workflow", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Plain text out of archived documents (text, HTML, XML, DOCX, ODT, PDF) for the index.
        .target(
            name: "TextExtraction",
            dependencies: ["XML", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // The search index: a SQLite (FTS5) cache of what the archive holds, always rebuildable.
        .target(name: "Index", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Documents out: one format-neutral model rendered as HTML (libxml2) and DOCX
        // (WordprocessingML in a ZIP package), plus iCalendar for meetings and deadlines.
        .target(
            name: "Reports",
            dependencies: ["XML", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Mail out: RFC 5322 / MIME messages and their hand-over to the system's MTA (sendmail).
        .target(name: "Mail"),
        // Use cases: open an archive, users, submissions, documents, fire events, verify,
        // search, import and export.
        .target(
            name: "DocketKit",
            dependencies: [
                "Archive", "Workflow", "XML", "Index", "TextExtraction", "Reports", "Mail", "CGlibcExtras",
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // OpenID Connect sign-in as a relying party: discovery, the JWKS (cached, rotation honoured),
        // the authorization code flow with PKCE, state and nonce, and ID token verification
        // (jwt-kit). Knows nothing of Docket: it hands back who the provider says signed in.
        .target(
            name: "OpenIDConnect",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The web app and JSON API: HTTP in, DocketKit calls, HTML (Mustache) or JSON out.
        .target(
            name: "DocketServer",
            dependencies: [
                "DocketKit", "Archive", "Workflow", "XML", "Index", "Reports", "OpenIDConnect", "CGlibcExtras",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Templates"), .copy("Static")]
        ),
        // The command-line tool: argument parsing only, the work is done by the library modules.
        .executableTarget(
            name: "docket",
            dependencies: [
                "DocketKit", "DocketServer", "Archive", "Workflow", "XML", "Index", "Mail", "OpenIDConnect",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Release-built throughput measurements against baselines run in the same process run.
        .executableTarget(
            name: "docket-bench",
            dependencies: [
                "XML", "DocketKit", "Workflow", "Archive", "Index", "Mail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/DocketBench"
        ),
        // What the tests share: finding and running the real tools that check Docket's output.
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(
            name: "XMLTests",
            // Crypto and CryptoExtras only make the keys the signature tests sign with.
            dependencies: [
                "XML", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "WorkflowTests",
            dependencies: ["Workflow", "XML"]
        ),
        .testTarget(
            name: "TextExtractionTests",
            dependencies: [
                "TextExtraction", "XML", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "IndexTests",
            dependencies: ["Index", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "XML", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(
            name: "MailTests",
            dependencies: ["Mail", "TestSupport"],
            // Read from the source tree by the tests (#filePath), not bundled: the Outlook samples
            // and the Python reference readers (see OutlookMessageTests, MessageCorpusTests).
            exclude: [
                "Fixtures", "mime_reference.py", "msg_reference.py", "encoded_message_reference.py",
                "address_reference.py", "mbox_reference.py",
            ]
        ),
        .testTarget(
            name: "DocketKitTests",
            dependencies: [
                "DocketKit", "Archive", "Workflow", "XML", "Index", "Reports", "Mail", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // Reads the index's rows to compare one kept up with one rebuilt (IndexSyncTests).
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // An archive written by an earlier Docket, read from the source tree (see ArchiveFormatTests).
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "DocketServerTests",
            dependencies: [
                "DocketServer", "DocketKit", "Archive", "Workflow", "Mail", "TestSupport", "OpenIDConnect",
                "CGlibcExtras",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "OpenIDConnectTests",
            dependencies: [
                "OpenIDConnect",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DocketCLITests",
            // DocketKit only to write what no command writes (the web app's access log entries).
            dependencies: ["docket", "DocketKit", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
