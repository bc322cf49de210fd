import Foundation

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

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, idleTimeout: TimeInterval = 30 * 60,
        uploadLimit: Int = 64 * 1024 * 1024, maximumFailedSignIns: Int = 5, throttleWindow: TimeInterval = 15 * 60,
        sessionClock: @escaping @Sendable () -> Date = { Date() }
    ) {
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
