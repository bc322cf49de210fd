import Foundation
import XML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the plain text of archived documents, for the search index.
///
/// Formats, by media type: plain text (`text/plain`, `text/csv`, `message/rfc822`, other
/// `text/*`), HTML, XML (`application/xml`, `text/xml`, `…+xml`), DOCX, ODT and PDF (through
/// poppler's `pdftotext`). Anything else is reported as not a text format.
///
/// Extraction never throws and never trusts its input: a damaged or hostile document (random
/// bytes, a zip bomb, an XML entity bomb, a PDF that makes pdftotext hang) gives
/// `.notExtracted` with a reason, within fixed limits of memory and time. The result is
/// normalised by one set of rules whatever the format (see `ExtractedText.text`) and cut at
/// `maxTextCharacters`.
public struct TextExtractor: Sendable {
    /// Where to find `pdftotext`.
    public enum PDFToTextLocation: Sendable, Hashable {
        /// Look for it on `PATH`, then in `/usr/bin` and `/usr/local/bin`.
        case automatic
        /// Use this executable (it must exist and be executable, or PDFs are not read).
        case at(String)
        /// Do not read PDFs.
        case absent
    }

    /// The `pdftotext` executable found when the extractor was made; nil if there is none.
    public let pdftotextPath: String?
    /// Text beyond this many characters is cut off (and `ExtractedText.truncated` set).
    public let maxTextCharacters: Int
    /// How long pdftotext may run on one document before it is killed.
    public let timeout: Duration

    /// The XML module's input limit, 16 MiB: a larger XML document, DOCX `word/document.xml`
    /// or ODT `content.xml` is refused; of a larger HTML document this much is read (and the
    /// text marked truncated).
    public static let maximumMarkupSize = XMLParseOptions.defaultMaximumInputSize

    /// Makes an extractor.
    ///
    /// - Parameters:
    ///   - pdftotext: where to find `pdftotext`; looked up now, once.
    ///   - maxTextCharacters: the most text kept per document (characters, not bytes).
    ///   - timeout: how long pdftotext may run on one document.
    public init(
        pdftotext: PDFToTextLocation = .automatic, maxTextCharacters: Int = 1_000_000, timeout: Duration = .seconds(30)
    ) {
        self.pdftotextPath = Self.locate(pdftotext)
        self.maxTextCharacters = max(maxTextCharacters, 0)
        self.timeout = timeout
    }

    /// Whether PDFs can be read (pdftotext was found).
    public var canExtractPDF: Bool { pdftotextPath != nil }

    /// The text of the file at `path`, read as `mediaType`.
    ///
    /// - Parameters:
    ///   - path: the document's file (it is only read).
    ///   - mediaType: what the document is, e.g. `application/pdf`; parameters are ignored.
    /// - Returns: the text, or `.notExtracted` with the reason (including a missing or
    ///   unreadable file).
    public func extract(contentsOf path: String, mediaType: String) -> ExtractedText {
        extract(.file(path), format: DocumentFormat(mediaType: mediaType))
    }

    /// The text of a document held in memory, read as `mediaType`.
    ///
    /// A PDF is written to a private temporary file for pdftotext, and removed afterwards.
    public func extract(bytes: [UInt8], mediaType: String) -> ExtractedText {
        extract(.bytes(bytes), format: DocumentFormat(mediaType: mediaType))
    }

    // MARK: - Dispatch

    private func extract(_ input: DocumentInput, format: DocumentFormat) -> ExtractedText {
        do throws(NotExtracted) {
            let raw = try rawText(of: input, format: format)
            let normalized = TextNormalizer(maximumCharacters: maxTextCharacters).normalize(raw.text)
            return .extracted(normalized.text, truncated: normalized.truncated || raw.inputWasCut)
        } catch {
            return .notExtracted(error.reason)
        }
    }

    private func rawText(of input: DocumentInput, format: DocumentFormat) throws(NotExtracted) -> RawText {
        switch format {
        case .plainText:
            let (bytes, complete) = try input.prefix(byteLimit)
            return RawText(text: TextDecoding.decode(bytes, wasCut: !complete), inputWasCut: !complete)
        case .html:
            // Forgiving parsing makes a cut document readable: read what fits.
            let (bytes, complete) = try input.prefix(Self.maximumMarkupSize)
            do {
                return RawText(text: try HTMLText.text(of: bytes), inputWasCut: !complete)
            } catch {
                throw NotExtracted(Self.reason(for: error, describedAs: "HTML"))
            }
        case .xml:
            let (bytes, complete) = try input.prefix(Self.maximumMarkupSize)
            guard complete else {
                throw NotExtracted("XML is larger than the \(Self.maximumMarkupSize)-byte limit")
            }
            if bytes.isEmpty { return RawText(text: "") }
            return RawText(text: XMLDocumentText.text(of: try Self.parse(bytes, describedAs: "XML")))
        case .docx:
            let document = try Self.packagePart("word/document.xml", of: input, format: format)
            return RawText(text: WordprocessingText.text(of: document))
        case .odt:
            let document = try Self.packagePart("content.xml", of: input, format: format)
            return RawText(text: OpenDocumentText.text(of: document))
        case .pdf:
            guard let pdftotextPath else { throw NotExtracted(PDFToText.notInstalled) }
            let tool = PDFToText(executable: pdftotextPath, timeout: timeout, outputLimit: byteLimit)
            return try input.withFilePath { path throws(NotExtracted) in try tool.text(ofFile: path) }
        case .unsupported(let mediaType):
            throw NotExtracted("not a text format (\(mediaType))")
        }
    }

    /// The most bytes of plain text or pdftotext output read: enough for `maxTextCharacters`
    /// characters of 4 bytes, UTF-8's longest.
    private var byteLimit: Int {
        let (bytes, overflow) = maxTextCharacters.multipliedReportingOverflow(by: 4)
        return overflow ? Int.max : bytes
    }

    // MARK: - XML

    /// The XML part `name` of a DOCX or ODT package, parsed.
    private static func packagePart(_ name: String, of input: DocumentInput, format: DocumentFormat)
        throws(NotExtracted) -> XMLDocument
    {
        let package = try ZIPPackage(try input.zipBytes(), label: format.name)
        guard let bytes = try package.contents(of: name, limit: maximumMarkupSize) else {
            throw NotExtracted("\(format.name) has no \(name)")
        }
        return try parse(bytes, describedAs: "\(format.name) \(name)")
    }

    /// Parses with the XML module's hardened settings (no DOCTYPE, no entities, no network).
    private static func parse(_ bytes: [UInt8], describedAs what: String) throws(NotExtracted) -> XMLDocument {
        do {
            return try XMLDocument(parsing: bytes, source: what)
        } catch let error as XMLError {
            throw NotExtracted(reason(for: error, describedAs: what))
        } catch {
            throw NotExtracted("\(what) could not be read: \(error)")
        }
    }

    /// "XML is not well-formed: line 3: …", "DOCX word/document.xml was refused: DOCTYPE …".
    static func reason(for error: XMLError, describedAs what: String) -> String {
        switch error {
        case .doctypeRefused(let diagnostic), .xincludeRefused(let diagnostic):
            return "\(what) was refused: \(diagnostic.message)"
        case .notWellFormed(let diagnostics):
            guard let first = diagnostics.first else { return "\(what) is not well-formed" }
            return "\(what) is not well-formed: " + (first.line > 0 ? "line \(first.line): " : "") + first.message
        case .inputTooLarge(_, _, let limit):
            return "\(what) is larger than the \(limit)-byte limit"
        case .emptyInput:
            return "\(what) is empty"
        default:
            return "\(what) could not be read: \(error.description)"
        }
    }

    // MARK: - pdftotext

    private static func locate(_ location: PDFToTextLocation) -> String? {
        switch location {
        case .absent:
            return nil
        case .at(let path):
            return isExecutableFile(path) ? path : nil
        case .automatic:
            let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
            let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
            // Relative PATH entries would depend on the working directory: ignored.
            for directory in directories where directory.hasPrefix("/") {
                let candidate = directory + "/pdftotext"
                if isExecutableFile(candidate) { return candidate }
            }
            return nil
        }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }
}
