import Foundation
import TestSupport
import Testing

/// The configuration file, the environment and the flags, through the built binary: the order
/// in which they win, a real command and the real server taking their settings from the file,
/// and every kind of mistake stopping the command with the place to correct named.
@Suite struct ConfigurationTests {
    /// `docket config show --json`'s form.
    struct Listing: Decodable {
        struct Row: Decodable {
            var key: String
            var environmentVariable: String
            var flag: String
            var value: String
            var origin: String
        }
        var file: String?
        var settings: [Row]

        subscript(key: String) -> Row? { settings.first { $0.key == key } }
    }

    /// Runs the binary in `directory` with exactly `environment` added (no `DOCKET_ARCHIVE`).
    private func docket(_ arguments: [String], _ environment: [String: String] = [:], in directory: URL) throws
        -> CommandRunner.Outcome
    {
        try CommandRunner.docket(arguments, environment: environment, in: directory)
    }

    private func write(_ json: String, to url: URL) throws {
        try json.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws {
        let scratch = try ScratchArchive("settings-order")
        defer { scratch.remove() }
        let file = scratch.directory.appendingPathComponent("docket.json")
        try write(
            """
            {"archive": "/srv/from-file", "serve": {"port": 9001, "trusted_proxies": ["192.0.2.1"]},
             "mail": {"from": "docket@council.example", "digest_hour": 7}}
            """, to: file)
        let shown = try docket(
            ["config", "show", "--json", "--config", file.path, "--archive", "/srv/from-flag"],
            ["DOCKET_PORT": "9002", "DOCKET_TRUSTED_PROXIES": " 10.0.0.1 , ::1,", "DOCKET_MAIL_FROM": ""],
            in: scratch.directory)
        #expect(shown.status == 0, "\(shown.standardError)")
        let listing = try JSONDecoder().decode(Listing.self, from: Data(shown.standardOutput.utf8))
        #expect(listing.file == file.path)
        #expect(listing["archive"]?.value == "/srv/from-flag" && listing["archive"]?.origin == "--archive")
        #expect(listing["serve.port"]?.value == "9002" && listing["serve.port"]?.origin == "$DOCKET_PORT")
        // A comma-separated list, trimmed, empty entries dropped; the file's list is overridden whole.
        #expect(listing["serve.trusted_proxies"]?.value == "10.0.0.1 ::1")
        // An empty variable counts as unset: the file's value stands.
        #expect(listing["mail.from"]?.value == "docket@council.example")
        #expect(listing["mail.from"]?.origin == "\(file.path): mail.from")
        #expect(listing["mail.digest_hour"]?.value == "7")
        #expect(listing["serve.host"]?.value == "127.0.0.1" && listing["serve.host"]?.origin == "default")

        // DOCKET_CONFIG names the file when --config does not; empty, it names none.
        let named = try docket(["config", "show", "--json"], ["DOCKET_CONFIG": file.path], in: scratch.directory)
        #expect(
            try JSONDecoder().decode(Listing.self, from: Data(named.standardOutput.utf8))["serve.port"]?.value == "9001"
        )
        let none = try docket(["config", "show", "--json"], ["DOCKET_CONFIG": ""], in: scratch.directory)
        #expect(try JSONDecoder().decode(Listing.self, from: Data(none.standardOutput.utf8)).file == nil)
    }

    @Test func commandsAndTheServerTakeTheirSettingsFromTheFile() throws {
        let scratch = try ScratchArchive("settings-serve")
        defer { scratch.remove() }
        let port = Int.random(in: 20_000...40_000)
        let token = scratch.directory.appendingPathComponent("metrics-token")
        try write("a-metrics-token-of-some-length\n", to: token)
        let file = scratch.directory.appendingPathComponent("docket.json")
        try write(
            """
            {"archive": "\(scratch.path)", "call_in_days": 9,
             "serve": {"port": \(port), "secure_cookies": true, "metrics_token_file": "\(token.path)",
                       "log_format": "json"}}
            """, to: file)
        // No DOCKET_ARCHIVE: the archive is where the file says.
        #expect(try docket(["init", "--config", file.path], in: scratch.directory).status == 0)
        #expect(FileManager.default.fileExists(atPath: "\(scratch.path)/archive.xml"))
        let users = try docket(
            ["user", "add", "olivia", "--role", "officer"], ["DOCKET_CONFIG": file.path], in: scratch.directory)
        #expect(users.status == 0, "\(users.standardError)")

        let server = try CommandRunner.start(["serve", "--config", file.path], in: scratch.directory)
        defer {
            server.kill()
            _ = try? server.wait(timeout: 30)
        }
        let curl = try ExternalTool(path: "/usr/bin/curl")
        var metrics = ""
        for _ in 0..<150 where server.isRunning {
            let fetched = try curl.run(
                [
                    "-s", "--max-time", "2", "-H", "Authorization: Bearer a-metrics-token-of-some-length",
                    "http://127.0.0.1:\(port)/metrics",
                ], timeout: 10)
            if fetched.status == 0, !fetched.standardOutput.isEmpty {
                metrics = fetched.standardOutput
                break
            }
            usleep(200_000)
        }
        // Served on the file's port, with /metrics behind the file's token.
        #expect(metrics.contains("# TYPE"), "\(metrics.prefix(300))")
        let cookie = try curl.run(
            ["-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/sign-in"], timeout: 10)
        #expect(cookie.standardOutput.lowercased().contains("secure"), "\(cookie.standardOutput)")
        server.kill()
        let log = try server.wait(timeout: 30).outcome.standardOutput
        // JSON log lines, and the file named in them.
        let first = log.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("{"), "\(log.prefix(300))")
        #expect(log.contains("settings read from \(file.path)"), "\(log.prefix(600))")
    }

    @Test func aMistakeStopsEveryCommandNamingWhereItIs() throws {
        let scratch = try ScratchArchive("settings-mistakes")
        defer { scratch.remove() }
        let secret = scratch.directory.appendingPathComponent("oidc-secret")
        try write("s3cret\n", to: secret)
        chmod(secret.path, 0o600)
        let cases: [(json: String?, environment: [String: String], message: String)] = [
            (#"{"serve": {"prot": 8080}}"#, [:], "'serve.prot' is not a Docket setting"),
            (#"{"mail": {"from": 7}}"#, [:], ": mail.from must be a string"),
            (#"{"serve": {"port": "eighty"}}"#, [:], ": serve.port must be a whole number"),
            (#"{"serve": 8080}"#, [:], "'serve' is not a Docket setting"),
            ("{", [:], "is not valid JSON"),
            (nil, ["DOCKET_PORT": "eighty"], "$DOCKET_PORT must be a whole number, not 'eighty'"),
            (nil, ["DOCKET_SECURE_COOKIES": "perhaps"], "$DOCKET_SECURE_COOKIES must be true or false"),
            (#"{"oidc": {"client_secret": "s3cret"}}"#, [:], "a secret is never written here"),
            (
                """
                {"oidc": {"issuer": "https://login.example", "client_id": "docket",
                 "client_secret_file": "\(secret.path)", "redirect_url": "https://docket.example/sign-in/oidc/callback",
                 "role_mapping": {"g1": ["superuser"]}}}
                """, [:], ": oidc: 'role_mapping' gives 'g1' the role 'superuser'"
            ),
            (#"{"serve": {"password_sign_in": false}}"#, [:], "serve.password_sign_in false needs --oidc CONFIG"),
            (#"{"call_in_days": 61}"#, [:], ": call_in_days: the call-in period is 0 to 60 working days"),
        ]
        let file = scratch.directory.appendingPathComponent("docket.json")
        for (index, mistake) in cases.enumerated() {
            var environment = mistake.environment
            environment["DOCKET_CONFIG"] = ""
            if let json = mistake.json {
                try write(json, to: file)
                environment["DOCKET_CONFIG"] = file.path
            }
            // serve checks everything before it binds a port; port 1 would be refused anyway.
            let outcome = try docket(["serve", "--port", "1"], environment, in: scratch.directory)
            #expect(outcome.status == 2, "case \(index): \(outcome.standardError)")
            #expect(outcome.standardError.contains(mistake.message), "case \(index): \(outcome.standardError)")
            if mistake.json != nil {
                #expect(outcome.standardError.contains(file.path), "case \(index): \(outcome.standardError)")
            }
            #expect(!outcome.standardError.contains("s3cret"), "case \(index): a secret was printed")
        }
        let missing = try docket(["user", "list", "--config", "/nonexistent/docket.json"], in: scratch.directory)
        #expect(missing.status == 2 && missing.standardError.contains("/nonexistent/docket.json"))
        // Help is what one reads to mend a setting: it works whatever the settings hold.
        let help = try docket(["serve", "--help", "--config", "/nonexistent/docket.json"], in: scratch.directory)
        #expect(help.status == 0 && help.standardOutput.contains("--config"), "\(help.standardError)")
    }

    @Test func theReadmeListsEverySettingWithItsVariableAndFlag() throws {
        let readme = try String(
            contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- settings:begin -->"))
        let end = try #require(readme.range(of: "<!-- settings:end -->"))
        let rows = readme[begin.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("| `") }
        let documented = rows.map { row in
            row.split(separator: "|").prefix(3).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`$"))
            }
        }
        let shown = try docket(
            ["config", "show", "--json"], ["DOCKET_CONFIG": ""], in: FileManager.default.temporaryDirectory)
        let listing = try JSONDecoder().decode(Listing.self, from: Data(shown.standardOutput.utf8))
        #expect(documented == listing.settings.map { [$0.key, $0.environmentVariable, $0.flag] })
    }
}
