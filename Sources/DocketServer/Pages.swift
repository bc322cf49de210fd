import DocketKit
import Foundation
import Hummingbird
import Mustache

/// The server-rendered pages: Mustache templates shipped with the module, rendered with
/// HTML escaping (`{{value}}` escapes; the templates never use triple braces for user data).
struct Pages: Sendable {
    let library: MustacheLibrary

    /// Loads every `*.mustache` template shipped in the `Templates` directory (see `resources`).
    static func load() async throws -> Pages {
        guard let directory = resources("Templates") else {
            throw WebError(status: .internalServerError, code: "templates-missing", message: "templates not found")
        }
        return Pages(library: try await MustacheLibrary(directory: directory.path))
    }

    /// Where the web app's `Templates` and `Static` directories are: in an installation, the
    /// distribution's `web/` (`scripts/install` copies them there, beside the schemas); in a
    /// build tree, the module's resource bundle. The bundle is only asked when no installed copy
    /// exists: SwiftPM's accessor stops the process if neither the bundle beside the binary nor
    /// the build tree it was compiled in is there, as for a binary copied out of the checkout.
    static func resources(_ name: String) -> URL? {
        if let installed = installedWebDirectory {
            return URL(fileURLWithPath: "\(installed)/\(name)")
        }
        return Bundle.module.url(forResource: name, withExtension: nil)
    }

    /// The distribution's `web/`, when this is an installed Docket.
    private static let installedWebDirectory: String? = {
        guard let web = Distribution.locate()?.webDirectory,
            FileManager.default.fileExists(atPath: "\(web)/Templates")
        else { return nil }
        return web
    }()

    /// A page response: HTML, never cached (pages show live state and carry CSRF tokens).
    func render(_ name: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html =
            library.render(Self.tree(model) ?? [String: Any](), withTemplate: name) ?? "template \(name) is missing"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The model as nested dictionaries and arrays, reflected once.
    ///
    /// swift-mustache looks a name up in a plain value by reflecting it again and scanning its
    /// fields, at every lookup and for every enclosing context it falls back to: profiling put
    /// 56% of a submission page's time there. Dictionaries are looked up by hash. A nil
    /// optional is left out, which keeps Mustache's rule that a missing name falls back to the
    /// enclosing context.
    ///
    /// A value that describes itself (a `Date`, a `URL`, a `UUID`) is kept whole for Mustache to
    /// print, not taken apart into its stored fields; page models themselves never conform.
    static func tree(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if value is any CustomStringConvertible, mirror.displayStyle == .struct || mirror.displayStyle == .class {
            return value
        }
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { tree($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { tree($0.value) }
        case .struct, .class:
            var fields: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let converted = tree(child.value) { fields[label] = converted }
            }
            return fields
        default:
            return value
        }
    }

    /// The contents of a file in the module's `Static` directory.
    static func staticFile(_ name: String) -> [UInt8]? {
        guard let url = resources("Static"),
            let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path)
        else { return nil }
        return [UInt8](data)
    }
}

/// The library's `Permissions`, as flags a template can test (Mustache sees stored properties).
struct MayLinks: Sendable {
    var startSubmissions = false
    var manageMeetings = false
    var administerUsers = false
    var checkArchive = false
    var readAccessLog = false
    var fileCorrespondence = false
    var reviewRetention = false

    init() {}

    init(_ permissions: Permissions) {
        startSubmissions = permissions.mayStartSubmissions
        manageMeetings = permissions.mayManageMeetings
        administerUsers = permissions.mayAdministerUsers
        checkArchive = permissions.mayCheckArchive
        readAccessLog = permissions.mayReadAccessLog
        fileCorrespondence = permissions.mayAddDocuments
        reviewRetention = permissions.mayReviewRetention
    }
}

/// What every page's layout needs.
struct Chrome: Sendable {
    var title: String
    var user: String?
    var roles: String
    var csrf: String
    /// What the user may do, as the library answers it: the links and forms a page offers
    /// follow it (only a convenience: the library checks again when asked to act).
    var may: MayLinks
    var flash: String?
    var error: String?
}

extension Chrome {
    /// The layout's data for a page seen by the request's user (none before sign-in).
    init(_ title: String, _ context: DocketRequestContext, docket: DocketArchive, flash: String? = nil) async {
        let user = context.user
        let permissions: Permissions? = try? await blocking { [docket] in
            try user.map { try docket.permissions(for: $0) }
        }
        self.init(
            title: title, user: user,
            roles: permissions.map { $0.roles.map(\.rawValue).sorted().joined(separator: ", ") } ?? "",
            csrf: context.session?.csrfToken ?? "", may: permissions.map(MayLinks.init) ?? MayLinks(), flash: flash,
            error: nil)
    }
}
