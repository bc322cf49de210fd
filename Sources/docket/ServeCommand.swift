import ArgumentParser
import DocketKit
import DocketServer
import Foundation
import Hummingbird
import Logging
import OpenIDConnect
import Workflow

/// `docket serve`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web app and JSON API for an archive.",
        discussion: """
            Logs each request; stops cleanly on SIGINT or SIGTERM. Refuses to start, saying why, \
            when the archive or its workflows cannot be read, a submission's record is damaged, \
            or the port is taken. With --demo, an empty archive \
            directory first gets the demo archive (docket demo). With --notify-every, the web app \
            also sends the mail that is due, as docket notify does, with the same mail options.
            """)
    @OptionGroup var archive: ArchiveOptions
    @Option(name: .long, help: "The address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "The port to listen on.") var port = 8080
    @Flag(name: .long, help: "Build the demo archive first when the archive directory holds none.") var demo = false
    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure (when served over TLS).")
    var secureCookies = false
    @Option(name: .customLong("upload-limit"), help: "The largest upload accepted, in MiB.") var uploadLimit = 64
    @Option(
        name: .customLong("notify-every"),
        help: ArgumentHelp(
            "Send the mail that is due this often, e.g. 5m, 30s or 1h (default: never; cron runs docket notify).",
            valueName: "INTERVAL"),
        transform: { text in
            do { return try MailSchedule.interval(text) } catch { throw ValidationError("\(error)") }
        })
    var notifyEvery: Duration?
    @OptionGroup var mail: MailOptions
    @Option(
        name: .customLong("oidc"),
        help: ArgumentHelp(
            "Offer sign-in through the council's OpenID provider, configured in this JSON file (see the README).",
            valueName: "CONFIG"))
    var oidc: String?
    @Flag(
        name: .customLong("no-password-sign-in"),
        help: "Refuse user names and passwords at /sign-in: everyone signs in through --oidc (API tokens still work).")
    var noPasswordSignIn = false
    @OptionGroup var callIn: CallInOptions
    @OptionGroup var operations: OperationsOptions
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            """
            A proxy (IP address or CIDR range; repeatable) whose X-Forwarded-For names the client \
            in the access log (default: $\(TrustedProxies.environmentVariable), comma-separated, else none).
            """, valueName: "ADDRESS"))
    var trustedProxy: [String] = []

    /// The proxies chosen by `--trusted-proxy` or the environment.
    func trustedProxies() throws -> TrustedProxies {
        do {
            return try TrustedProxies.chosen(flags: trustedProxy, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func validate() throws {
        if notifyEvery != nil { _ = try mail.setup() }
        if noPasswordSignIn, oidc == nil {
            throw ValidationError(
                "--no-password-sign-in needs --oidc CONFIG: without a provider nobody could sign in")
        }
        if let oidc { _ = try Self.openID(oidc) }
        _ = try trustedProxies()
    }

    /// The provider's configuration, its role mapping checked against Docket's roles.
    static func openID(_ path: String) throws -> OIDCConfiguration {
        do {
            return try OIDCConfiguration.load(from: path, knownRoles: Set(Role.allCases.map(\.rawValue)))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let logger = operations.logger()
        if demo, !FileManager.default.fileExists(atPath: "\(archive.path)/archive.xml") {
            guard let distribution = Distribution.locate() else {
                throw ValidationError(Distribution.notFoundMessage)
            }
            _ = try DemoArchive.build(
                at: archive.path, from: distribution, signed: true, signingKey: archive.signingKeyPath)
            operations.say(
                "built the demo archive in \(archive.path): users "
                    + DemoArchive.users.map(\.name).joined(separator: ", ") + ", password \(DemoArchive.password)",
                to: logger)
        }
        let docket = try archive.open()
        // Refuse an archive whose definitions do not load or whose records cannot be read:
        // opening checked archive.xml and its schemas; the workflows and the index sync (which
        // reads every changed submission, chain checked) do the rest. The full `verify`, which
        // re-hashes every document, is minutes on a large archive: it runs from Archive health.
        _ = try docket.workflows()
        // A signed archive takes nothing from a server that cannot sign: say so now, not at the
        // first user's first change.
        try docket.checkSigningKey()
        let unreadable = try docket.syncIndex().unreadable
        guard unreadable.isEmpty else {
            for (reference, reason) in unreadable.sorted(by: { $0.key < $1.key }).prefix(10) {
                operations.say("unreadable: \(reference): \(reason)", to: logger)
            }
            throw ValidationError("\(unreadable.count) submission(s) cannot be read (docket verify); not serving")
        }
        var configuration = WebConfiguration(
            host: host, port: port, secureCookies: secureCookies, uploadLimit: uploadLimit * 1024 * 1024,
            mailSchedule: try notifyEvery.map { MailSchedule(every: $0, setup: try mail.setup()) },
            openID: try oidc.map(Self.openID), passwordSignIn: !noPasswordSignIn)
        configuration.callIn = try callIn.period()
        try operations.configureMetrics(&configuration)
        configuration.trustedProxies = try trustedProxies()
        let app = try await DocketWebApp(docket: docket, configuration: configuration)
        if let problem = Self.bindProblem(host: host, port: port) {
            throw ValidationError("cannot listen on \(host):\(port): \(problem); choose another with --port")
        }
        operations.say("serving \(archive.path) at http://\(host):\(port)/", to: logger)
        if let notifyEvery { operations.say("sending the mail that is due every \(notifyEvery)", to: logger) }
        if let oidc { operations.say("signing in through the OpenID provider configured in \(oidc)", to: logger) }
        if noPasswordSignIn { operations.say("password sign-in is off", to: logger) }
        if configuration.trustedProxies != .none {
            operations.say(
                "the client address is read from X-Forwarded-For on connections from the trusted proxies", to: logger)
        }
        try await app.application(logger: logger).runService()
    }

    /// Why the address cannot be bound (e.g. "Address already in use"), or nil: checked before
    /// starting so that a taken port gets a sentence, not a stack of server errors.
    static func bindProblem(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            return "the address '\(host)' does not resolve"
        }
        defer { freeaddrinfo(result) }
        let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            return String(cString: strerror(errno))
        }
        return nil
    }
}
