import Configuration
import DocketKit

/// One thing an administrator can set for Docket, in three places: a key in the configuration
/// file, an environment variable, and a flag for one run. A flag wins over the environment,
/// which wins over the file, which wins over the built-in default (`Settings`).
///
/// The catalogue below is the whole list: the configuration file may hold nothing else (a
/// misspelt key is refused, not ignored), and `docket config show` prints every entry.
struct Setting: Sendable, Hashable {
    /// The JSON type a setting takes in the file (and how its environment variable is read).
    enum Kind: String, Sendable {
        /// A string; in the environment, the variable's value.
        case text
        /// A whole number.
        case number
        /// `true` or `false`; in the environment also yes/no/1/0.
        case onOff = "true or false"
        /// A list of strings; in the environment, separated by commas.
        case list

        /// How swift-configuration is asked for the value.
        var configType: ConfigType {
            switch self {
            case .text: .string
            case .number: .int
            case .onOff: .bool
            case .list: .stringArray
            }
        }

        /// What a value of this kind must be, for messages.
        var expectation: String {
            switch self {
            case .text: "a string"
            case .number: "a whole number"
            case .onOff: "true or false"
            case .list: "a list of strings"
            }
        }
    }

    /// The dotted key in the configuration file: `mail.from` is `{"mail": {"from": …}}`.
    let key: String
    /// The environment variable (the names earlier releases read are kept).
    let environmentVariable: String
    /// The flag of the commands that take it.
    let flag: String
    let kind: Kind
    /// The value when nothing sets it, or nil when there is none (the setting is then off, or
    /// derived, as `defaultDescription` says).
    let fallback: ConfigContent?
    /// The default as `docket config show` prints it, where `fallback` cannot say it.
    let defaultDescription: String?

    private init(
        _ key: String, _ environmentVariable: String, _ flag: String, _ kind: Kind, fallback: ConfigContent? = nil,
        otherwise defaultDescription: String? = nil
    ) {
        self.key = key
        self.environmentVariable = environmentVariable
        self.flag = flag
        self.kind = kind
        self.fallback = fallback
        self.defaultDescription = defaultDescription
    }

    /// The key's parts, as swift-configuration addresses them.
    var configKey: AbsoluteConfigKey { AbsoluteConfigKey(key.split(separator: ".").map(String.init)) }

    /// The default, as printed.
    var defaultText: String {
        if let defaultDescription { return defaultDescription }
        return fallback.map(Self.text) ?? "none"
    }

    /// A value as printed: lists space-separated.
    static func text(_ content: ConfigContent) -> String {
        switch content {
        case .string(let text): text
        case .int(let number): String(number)
        case .bool(let on): on ? "true" : "false"
        case .stringArray(let items): items.joined(separator: " ")
        default: "\(content)"
        }
    }

    /// "(file: serve.port; $DOCKET_PORT; default 8080)", the end of a flag's help.
    var helpSuffix: String {
        "(file: \(key); $\(environmentVariable); default: \(defaultText))"
    }
}

extension Setting {
    static let archive = Setting("archive", "DOCKET_ARCHIVE", "--archive", .text, fallback: .string("archive"))
    static let signingKey = Setting(
        "signing_key", "DOCKET_SIGNING_KEY", "--signing-key", .text,
        otherwise: "~/.config/docket/signing-keys/ARCHIVE-ID.pem")
    static let mailFrom = Setting(
        "mail.from", "DOCKET_MAIL_FROM", "--from", .text, fallback: .string("docket@localhost"))
    static let baseURL = Setting(
        "mail.base_url", "DOCKET_BASE_URL", "--base-url", .text, fallback: .string("http://127.0.0.1:8080"))
    static let sendmail = Setting(
        "mail.sendmail", "DOCKET_SENDMAIL", "--sendmail", .text, fallback: .string("/usr/sbin/sendmail"))
    static let sendmailArguments = Setting(
        "mail.sendmail_args", "DOCKET_SENDMAIL_ARGS", "--sendmail-arg", .list, fallback: .stringArray(["-i", "-t"]))
    static let digestHour = Setting(
        "mail.digest_hour", "DOCKET_DIGEST_HOUR", "--digest-hour", .number, fallback: .int(8))
    static let callInDays = Setting(
        "call_in_days", "DOCKET_CALL_IN_DAYS", "--call-in-days", .number,
        fallback: .int(CallInPeriod.standard.workingDays))
    static let host = Setting("serve.host", "DOCKET_HOST", "--host", .text, fallback: .string("127.0.0.1"))
    static let port = Setting("serve.port", "DOCKET_PORT", "--port", .number, fallback: .int(8080))
    static let secureCookies = Setting(
        "serve.secure_cookies", "DOCKET_SECURE_COOKIES", "--secure-cookies", .onOff, fallback: .bool(false))
    static let uploadLimit = Setting(
        "serve.upload_limit_mib", "DOCKET_UPLOAD_LIMIT_MIB", "--upload-limit", .number, fallback: .int(64))
    static let notifyEvery = Setting(
        "serve.notify_every", "DOCKET_NOTIFY_EVERY", "--notify-every", .text, otherwise: "never (a timer runs notify)")
    static let passwordSignIn = Setting(
        "serve.password_sign_in", "DOCKET_PASSWORD_SIGN_IN", "--password-sign-in", .onOff, fallback: .bool(true))
    static let trustedProxies = Setting(
        "serve.trusted_proxies", "DOCKET_TRUSTED_PROXIES", "--trusted-proxy", .list, otherwise: "none")
    static let logFormat = Setting(
        "serve.log_format", "DOCKET_LOG_FORMAT", "--log-format", .text, fallback: .string("text"))
    static let metricsTokenFile = Setting(
        "serve.metrics_token_file", "DOCKET_METRICS_TOKEN_FILE", "--metrics-token-file", .text,
        otherwise: "none (no /metrics)")
    /// A path to an OpenID provider file, or (in the configuration file only) that file's
    /// fields inline as an object: `Settings` handles its object form itself.
    static let oidc = Setting("oidc", "DOCKET_OIDC", "--oidc", .text, otherwise: "none (passwords only)")

    /// Every setting, in the order `docket config show` and the README list them.
    static let catalogue: [Setting] = [
        .archive, .signingKey, .host, .port, .secureCookies, .uploadLimit, .trustedProxies, .passwordSignIn, .oidc,
        .logFormat, .metricsTokenFile, .notifyEvery, .mailFrom, .baseURL, .sendmail, .sendmailArguments, .digestHour,
        .callInDays,
    ]
}
