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
    @Option(name: .long, help: ArgumentHelp("The address to listen on \(Setting.host.helpSuffix).")) var host: String?
    @Option(name: .long, help: ArgumentHelp("The port to listen on \(Setting.port.helpSuffix).")) var port: Int?
    @Flag(name: .long, help: "Build the demo archive first when the archive directory holds none.") var demo = false
    @Flag(
        name: .customLong("secure-cookies"), inversion: .prefixedNo,
        help: ArgumentHelp("Mark cookies Secure, when served over TLS \(Setting.secureCookies.helpSuffix)."))
    var secureCookies: Bool?
    @Option(
        name: .customLong("upload-limit"),
        help: ArgumentHelp("The largest upload accepted, in MiB \(Setting.uploadLimit.helpSuffix)."))
    var uploadLimit: Int?
    @Option(
        name: .customLong("notify-every"),
        help: ArgumentHelp(
            "Send the mail that is due this often, e.g. 5m, 30s or 1h \(Setting.notifyEvery.helpSuffix).",
            valueName: "INTERVAL"))
    var notifyEvery: String?
    @OptionGroup var mail: MailOptions
    @Option(
        name: .customLong("oidc"),
        help: ArgumentHelp(
            """
            Offer sign-in through the council's OpenID provider, configured in this JSON file, or inline \
            in the configuration file (see the README) \(Setting.oidc.helpSuffix).
            """,
            valueName: "CONFIG"))
    var oidc: String?
    @Flag(
        name: .customLong("password-sign-in"), inversion: .prefixedNo,
        help: ArgumentHelp(
            """
            Accept user names and passwords at /sign-in; with --no-password-sign-in everyone signs in \
            through the OpenID provider (API tokens still work) \(Setting.passwordSignIn.helpSuffix).
            """))
    var passwordSignIn: Bool?
    @OptionGroup var callIn: CallInOptions
    @OptionGroup var operations: OperationsOptions
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            """
            A proxy (IP address or CIDR range; repeatable) whose X-Forwarded-For names the client \
            in the access log \(Setting.trustedProxies.helpSuffix).
            """, valueName: "ADDRESS"))
    var trustedProxy: [String] = []

    /// The address, port and the rest as the flags, the environment and the configuration file
    /// choose them.
    private var settings: Settings { Settings.current }
    private var listenHost: String { settings.defaultedText(.host, flag: host) }
    private var listenPort: Int { settings.defaultedNumber(.port, flag: port) }
    private var acceptsPasswords: Bool { settings.isOn(.passwordSignIn, flag: passwordSignIn) }

    /// The proxies chosen by `--trusted-proxy`, the environment or the configuration file.
    func trustedProxies() throws -> TrustedProxies {
        do {
            return try TrustedProxies(settings.list(.trustedProxies, flags: trustedProxy))
        } catch {
            throw ValidationError("\(settings.origin(of: .trustedProxies, flagGiven: !trustedProxy.isEmpty)): \(error)")
        }
    }

    /// How often the server sends the mail that is due, or nil for never.
    func notifyInterval() throws -> Duration? {
        guard let text = settings.text(.notifyEvery, flag: notifyEvery) else { return nil }
        do {
            return try MailSchedule.interval(text)
        } catch {
            throw ValidationError("\(settings.origin(of: .notifyEvery, flagGiven: notifyEvery != nil)): \(error)")
        }
    }

    /// The largest upload, in bytes.
    func uploadLimitBytes() throws -> Int {
        let mebibytes = settings.defaultedNumber(.uploadLimit, flag: uploadLimit)
        guard (1...4096).contains(mebibytes) else {
            throw ValidationError(
                "\(settings.origin(of: .uploadLimit, flagGiven: uploadLimit != nil)) must be 1 to 4096 MiB, not \(mebibytes)"
            )
        }
        return mebibytes * 1024 * 1024
    }

    /// The OpenID provider: from the file `--oidc`, `DOCKET_OIDC` or the configuration file's
    /// `oidc` names, or the configuration file's inline `oidc` object; nil when none is set.
    func openID() throws -> OIDCConfiguration? {
        let knownRoles = Set(Role.allCases.map(\.rawValue))
        do {
            if oidc == nil, let inline = settings.inlineOpenID, let file = settings.file {
                return try OIDCConfiguration.decode(inline, origin: "\(file): oidc", knownRoles: knownRoles)
            }
            guard let path = settings.text(.oidc, flag: oidc) else { return nil }
            return try OIDCConfiguration.load(from: path, knownRoles: knownRoles)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func validate() throws {
        if try notifyInterval() != nil { _ = try mail.setup() }
        _ = try uploadLimitBytes()
        let provider = try openID()
        if !acceptsPasswords, provider == nil {
            let turnedOff =
                passwordSignIn == false
                ? "--no-password-sign-in" : "\(settings.origin(of: .passwordSignIn, flagGiven: false)) false"
            throw ValidationError(
                "\(turnedOff) needs --oidc CONFIG (or the oidc setting): without a provider nobody could sign in")
        }
        _ = try trustedProxies()
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
        let openID = try openID()
        let host = listenHost
        let port = listenPort
        let notifyEvery = try notifyInterval()
        var configuration = WebConfiguration(
            host: host, port: port, secureCookies: settings.isOn(.secureCookies, flag: secureCookies),
            uploadLimit: try uploadLimitBytes(),
            mailSchedule: try notifyEvery.map { MailSchedule(every: $0, setup: try mail.setup()) },
            openID: openID, passwordSignIn: acceptsPasswords)
        configuration.callIn = try callIn.period()
        try operations.configureMetrics(&configuration)
        configuration.trustedProxies = try trustedProxies()
        let app = try await DocketWebApp(docket: docket, configuration: configuration)
        if let problem = Self.bindProblem(host: host, port: port) {
            throw ValidationError("cannot listen on \(host):\(port): \(problem); choose another with --port")
        }
        operations.say("serving \(archive.path) at http://\(host):\(port)/", to: logger)
        if let notifyEvery { operations.say("sending the mail that is due every \(notifyEvery)", to: logger) }
        if let openID { operations.say("signing in through the OpenID provider \(openID.issuer)", to: logger) }
        if !acceptsPasswords { operations.say("password sign-in is off", to: logger) }
        if let file = settings.file { operations.say("settings read from \(file)", to: logger) }
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
