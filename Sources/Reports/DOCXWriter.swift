import Foundation
import XML

/// Writes a `RichDocument` as a Word document (DOCX: WordprocessingML in an Open Packaging
/// Conventions ZIP, ECMA-376), for officers to edit in Word or LibreOffice.
///
/// The package is minimal but complete: content types, relationships, the document, named
/// styles (Normal is Arial 11pt, the council look; Title; Heading 1 and 2; List Paragraph; a
/// bordered table style), numbering for bullet and numbered lists, settings, and core and
/// extended properties. Pages are A4 with one-inch margins. Every part is built as an element
/// tree and written by libxml2, so all text is escaped and every namespace declared.
///
/// Paragraph and heading numbers ("1.1") are literal text followed by a tab over a hanging
/// indent, so they read exactly as written wherever the text goes; list items use Word's
/// automatic numbering, and each numbered list starts again at 1.
public enum DOCXWriter {
    /// The DOCX file's bytes.
    ///
    /// The output depends only on the arguments: the same document, date, creator and language
    /// always give byte-identical files (the ZIP entries carry `created` as their date).
    ///
    /// - Parameters:
    ///   - document: the document to write.
    ///   - created: the creation (and modification) time in the core properties and the ZIP.
    ///     ZIP entry dates are UTC in two-second steps, with years held to 1980–2099.
    ///   - creator: the author recorded in the core properties (`dc:creator`).
    ///   - language: the BCP 47 tag Word proofs the text in (`w:lang`, `dc:language`).
    /// - Throws: `ReportError` for a document or language neither format can represent;
    ///   `XMLError.notRepresentable` for text with a character XML cannot carry, such as
    ///   U+0000; a ZIPFoundation error if the archive cannot be written.
    public static func write(_ document: RichDocument, created: Date, creator: String, language: String = "en-GB")
        throws -> [UInt8]
    {
        try validateLanguageTag(language)
        try document.validate()
        let body = WordDocumentPart(document: document)
        let wordprocessing = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        let relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let parts = [
            OOXMLPart(name: "word/document.xml", contentType: "\(wordprocessing).document.main+xml", root: body.root()),
            OOXMLPart(
                name: "word/_rels/document.xml.rels", contentType: nil,
                root: OOXMLPackage.relationships([
                    ("\(relationship)/styles", "styles.xml"),
                    ("\(relationship)/numbering", "numbering.xml"),
                    ("\(relationship)/settings", "settings.xml"),
                ])),
            OOXMLPart(
                name: "word/styles.xml", contentType: "\(wordprocessing).styles+xml",
                root: WordStylesPart.root(language: language)),
            OOXMLPart(
                name: "word/numbering.xml", contentType: "\(wordprocessing).numbering+xml",
                root: WordNumberingPart.root(numberedLists: body.numberedListCount)),
            OOXMLPart(
                name: "word/settings.xml", contentType: "\(wordprocessing).settings+xml",
                root: WordSettingsPart.root()),
            OOXMLPart(
                name: "docProps/core.xml", contentType: "application/vnd.openxmlformats-package.core-properties+xml",
                root: OOXMLPackage.coreProperties(
                    title: document.title, creator: creator, language: language, created: created)),
            OOXMLPart(
                name: "docProps/app.xml",
                contentType: "application/vnd.openxmlformats-officedocument.extended-properties+xml",
                root: OOXMLPackage.applicationProperties()),
        ]
        let packageRelationships = OOXMLPart(
            name: "_rels/.rels", contentType: nil,
            root: OOXMLPackage.relationships([
                ("\(relationship)/officeDocument", "word/document.xml"),
                (
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml"
                ),
                ("\(relationship)/extended-properties", "docProps/app.xml"),
            ]))
        // Content types first: some readers (and `file`) identify the package by its first entry.
        let contentTypes = OOXMLPart(
            name: "[Content_Types].xml", contentType: nil, root: OOXMLPackage.contentTypes(for: parts))
        return try OOXMLPackage.zip([contentTypes, packageRelationships] + parts, modified: created)
    }
}
