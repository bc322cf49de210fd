import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process-wide libxml2 set-up, done exactly once before the first call into the library.
///
/// `xmlInitParser()` is not safe to race, and the external-entity loader is a process-wide
/// setting: both belong here and nowhere else.
public enum XMLLibrary {
    /// Swift initialises a global `let` once, thread-safely, on first use.
    private static let initialized: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refusingEntityLoader)
        return true
    }()

    /// Call before any libxml2 function. Cheap after the first call.
    static func ensureInitialized() {
        _ = initialized
    }

    /// The version of the libxml2 loaded at run time, dotted, e.g. "2.9.14".
    public static var runtimeVersion: String {
        ensureInitialized()
        let encoded = String(cString: docket_xml_parser_version())
        guard let number = Int(encoded) else { return encoded }
        return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }
}

/// The process-wide external-entity loader. It refuses every URL — files, the network,
/// catalogs — except local files inside the directory of a schema that Docket is loading
/// from a trusted path (for the schema's own `xs:import` and `xs:include`).
private let refusingEntityLoader: xmlExternalEntityLoader = { url, _, parserContext in
    let requested = url.map { String(cString: $0) } ?? "(no URL)"
    if let capture = ErrorCapture.current, let directory = capture.trustedDirectory,
        let path = trustedLocalPath(requested, inside: directory)
    {
        return xmlNewInputFromFile(parserContext, path)
    }
    ErrorCapture.current?.record(
        XMLDiagnostic(
            severity: .error, line: 0, column: 0,
            message: "refused to load external resource '\(requested)': Docket loads no external entities"))
    return nil
}

/// The plain path of `url` if it names an existing file inside `directory`, else nil.
///
/// `..` segments and symbolic links are resolved before the containment check, so an
/// import cannot climb out of the schema's directory.
private func trustedLocalPath(_ url: String, inside directory: String) -> String? {
    var path = url
    if path.hasPrefix("file://") {
        path.removeFirst("file://".count)
    } else if path.contains("://") {
        return nil
    }
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    let canonical = String(cString: resolved)
    let prefix = directory.hasSuffix("/") ? directory : directory + "/"
    return canonical.hasPrefix(prefix) ? canonical : nil
}
