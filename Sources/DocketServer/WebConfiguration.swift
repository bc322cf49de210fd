import DocketKit
import Foundation
import OpenIDConnect

/// How the web app listens and how strict it is with sessions and uploads.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Mark the session cookie `Secure` (set when the app is served over TLS, e.g. behind a
    /// reverse proxy that terminates it).
    public var secureCookies: Bool
    /// A session unused for this long ends.
    public var idleTimeout: TimeInterval
    /// The largest upload accepted; larger bodies are refused with 413 before anything is
    /// written.
    public var uploadLimit: Int
    /// Failed sign-ins for one user name within `throttleWindow` before further attempts are
    /// refused (429) until the window has passed.
    public var maximumFailedSignIns: Int
    public var throttleWindow: TimeInterval
    /// The time sessions are measured by (tests move it on instead of waiting).
    public var sessionClock: @Sendable () -> Date
    /// When given, the web app runs the notify pass itself on this schedule (off by default:
    /// cron or a timer runs `docket notify`).
    public var mailSchedule: MailSchedule?
    /// Sign-in through the council's OpenID provider, when configured.
    public var openID: OIDCConfiguration?
    /// Whether user names and passwords are accepted at `/sign-in` (API tokens are, either
    /// way). Off where everyone signs in through the provider; on for small installations
    /// and for a break-glass administrator.
    public var passwordSignIn: Bool
    /// The call-in period the decisions register and notices count (`--call-in-days`).
    public var callIn: CallInPeriod = .standard
    /// Where the app records its metrics (requests, events, documents, mail, the search
    /// queue); nil records none.
    public var metrics: ServerMetrics?
    /// The bearer token `/metrics` asks for (`--metrics-token-file`); without one (or without
    /// `metrics`) the app does not answer `/metrics` (see `OperationsController`).
    public var metricsToken: String?
    /// The proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); none by
    /// default, when the connection's peer is the client.
    public var trustedProxies: TrustedProxies = .none

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, idleTimeout: TimeInterval = 30 * 60,
        uploadLimit: Int = 64 * 1024 * 1024, maximumFailedSignIns: Int = 5, throttleWindow: TimeInterval = 15 * 60,
        sessionClock: @escaping @Sendable () -> Date = { Date() }, mailSchedule: MailSchedule? = nil,
        openID: OIDCConfiguration? = nil, passwordSignIn: Bool = true
    ) {
        self.openID = openID
        self.passwordSignIn = passwordSignIn
        self.mailSchedule = mailSchedule
        self.sessionClock = sessionClock
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.idleTimeout = idleTimeout
        self.uploadLimit = uploadLimit
        self.maximumFailedSignIns = maximumFailedSignIns
        self.throttleWindow = throttleWindow
    }
}

/// How often the web app sends the mail that is due, and how.
public struct MailSchedule: Sendable {
    /// The time between the end of one notify pass and the start of the next.
    public var interval: Duration
    public var setup: MailSetup

    public init(every interval: Duration, setup: MailSetup) {
        self.interval = interval
        self.setup = setup
    }

    /// An interval as given on the command line: a whole number then `s`, `m` or `h`
    /// (`30s`, `5m`, `1h`).
    ///
    /// - Throws: `MailSchedule.IntervalError` for anything else, or for zero.
    public static func interval(_ text: String) throws(IntervalError) -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()),
            count > 0, count <= 24 * 3600 * 366
        else { throw IntervalError(text: text) }
        return .seconds(count * unit)
    }

    /// An interval that is not a positive whole number of seconds, minutes or hours.
    public struct IntervalError: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "'\(text)' is not an interval: give a whole number and a unit, e.g. 30s, 5m or 1h"
        }
    }
}
