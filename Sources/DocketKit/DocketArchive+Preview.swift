import Archive
import Index

/// A document shown as text in a page: its metadata and the text extracted from it.
public struct DocumentPreview: Sendable {
    public var metadata: DocumentMetadata
    /// The document's text (HTML, Word, OpenDocument and PDF files reduced to their words).
    public var text: String?
    /// Why there is no text (a scanned PDF, a format Docket cannot read), when there is none.
    public var reason: String?
}

extension DocketArchive {
    /// A document as text, for reading in the browser without opening the file: the text
    /// the index extracted when it was archived, or, without a usable index, extracted now.
    public func documentPreview(_ reference: String, sha256: String) throws(DocketError) -> DocumentPreview {
        let (metadata, path) = try document(reference, sha256: sha256)
        if let indexed = try? index().documentText(of: reference, sha256: sha256) {
            return DocumentPreview(metadata: metadata, text: indexed.text, reason: indexed.note)
        }
        let extracted = textExtractor.extract(contentsOf: path, mediaType: metadata.format)
        switch extracted.outcome {
        case .extracted: return DocumentPreview(metadata: metadata, text: extracted.text, reason: nil)
        case .notExtracted(let reason): return DocumentPreview(metadata: metadata, text: nil, reason: reason)
        }
    }
}
