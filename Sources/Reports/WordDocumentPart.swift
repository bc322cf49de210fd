import XML

/// Builds `word/document.xml` from a `RichDocument`, and the numbering it refers to.
struct WordDocumentPart {
    let document: RichDocument

    /// The numbering instance every bullet list uses: bullets do not count, so lists can share it.
    static let bulletNumberingID = 1

    /// How many numbered lists the document has; each gets its own numbering (see `WordNumberingPart`).
    var numberedListCount: Int {
        document.blocks.reduce(0) { count, block in
            if case .numberedList = block { return count + 1 }
            return count
        }
    }

    /// The `w:document` element.
    func root() -> XMLElement {
        var body: [XMLElement] = []
        if let banner = document.banner {
            body.append(W.paragraph(properties: [W.value("pStyle", "Banner")], runs: [W.run(banner)]))
        }
        body.append(W.paragraph(properties: [W.value("pStyle", "Title")], runs: [W.run(document.title)]))
        var numberedLists = 0
        for (index, block) in document.blocks.enumerated() {
            switch block {
            case .heading(let number, let text, let level):
                body.append(numbered(style: "Heading\(level)", number: number, text: text))
            case .paragraph(let number, let text):
                body.append(numbered(style: nil, number: number, text: text))
            case .numberedList(let items):
                numberedLists += 1
                // Numbering instance 1 is the bullets; numbered list k uses k + 1.
                body += items.map { listItem($0, numberingID: Self.bulletNumberingID + numberedLists) }
            case .bulletList(let items):
                body += items.map { listItem($0, numberingID: Self.bulletNumberingID) }
            case .table(let header, let rows):
                body.append(table(header: header, rows: rows))
                // Word merges two adjacent tables into one, and wants a paragraph between a
                // table and the end of the body.
                let next = document.blocks.index(after: index)
                if next == document.blocks.endIndex || isTable(document.blocks[next]) {
                    body.append(W.paragraph(properties: [], runs: []))
                }
            case .notice(let text):
                body.append(W.paragraph(properties: [W.value("pStyle", "Notice")], runs: [W.run(text)]))
            }
        }
        body.append(sectionProperties())
        return W.element("document", [:], [W.element("body", [:], body)])
    }

    /// A heading or paragraph whose number is literal text followed by a tab, over a hanging
    /// indent: the number is exactly what the author wrote ("3.1", "Annex 2"), survives
    /// copy-paste and conversion, and cannot be renumbered by Word behind the author's back.
    private func numbered(style: String?, number: String?, text: String) -> XMLElement {
        var properties: [XMLElement] = []
        if let style { properties.append(W.value("pStyle", style)) }
        guard let number else { return W.paragraph(properties: properties, runs: [W.run(text)]) }
        properties.append(
            W.element("tabs", [:], [W.element("tab", ["val": "left", "pos": "\(WordLayout.numberIndent)"])]))
        properties.append(
            W.element("ind", ["left": "\(WordLayout.numberIndent)", "hanging": "\(WordLayout.numberIndent)"]))
        return W.paragraph(properties: properties, runs: [W.run(number + "\t" + text)])
    }

    private func listItem(_ text: String, numberingID: Int) -> XMLElement {
        let numbering = W.element("numPr", [:], [W.value("ilvl", "0"), W.value("numId", "\(numberingID)")])
        return W.paragraph(properties: [W.value("pStyle", "ListParagraph"), numbering], runs: [W.run(text)])
    }

    /// A table with a fixed grid filling the text width, single borders on every cell, and a
    /// bold header row that Word repeats at the top of each page the table runs onto.
    private func table(header: [String], rows: [[String]]) -> XMLElement {
        // Equal columns; the last takes the rounding remainder so the grid fills the width.
        let width = WordLayout.textWidth / header.count
        let widths = header.indices.map { $0 == header.count - 1 ? WordLayout.textWidth - width * $0 : width }
        let properties = W.element(
            "tblPr", [:],
            [
                W.value("tblStyle", "TableGrid"),
                W.element("tblW", ["w": "\(WordLayout.textWidth)", "type": "dxa"]),
                W.tableBorders(),
                W.element("tblLayout", ["type": "fixed"]),
                W.element(
                    "tblLook",
                    [
                        "firstRow": "1", "lastRow": "0", "firstColumn": "0", "lastColumn": "0", "noHBand": "1",
                        "noVBand": "1",
                    ]
                ),
            ])
        let grid = W.element("tblGrid", [:], widths.map { W.element("gridCol", ["w": "\($0)"]) })
        let headerRow = W.element(
            "tr", [:],
            [W.element("trPr", [:], [W.element("tblHeader")])]
                + zip(header, widths).map { cell($0, width: $1, bold: true) })
        let bodyRows = rows.map { row in
            W.element("tr", [:], zip(row, widths).map { cell($0, width: $1, bold: false) })
        }
        return W.element("tbl", [:], [properties, grid, headerRow] + bodyRows)
    }

    private func cell(_ text: String, width: Int, bold: Bool) -> XMLElement {
        W.element(
            "tc", [:],
            [
                W.element("tcPr", [:], [W.element("tcW", ["w": "\(width)", "type": "dxa"])]),
                // A cell must end with a paragraph, even when it is empty.
                W.paragraph(
                    properties: [W.element("spacing", ["before": "60", "after": "60"])], runs: [W.run(text, bold: bold)]
                ),
            ])
    }

    private func sectionProperties() -> XMLElement {
        let margin = "\(WordLayout.margin)"
        return W.element(
            "sectPr", [:],
            [
                W.element("pgSz", ["w": "\(WordLayout.pageWidth)", "h": "\(WordLayout.pageHeight)"]),
                W.element(
                    "pgMar",
                    [
                        "top": margin, "right": margin, "bottom": margin, "left": margin, "header": "708",
                        "footer": "708", "gutter": "0",
                    ]),
                W.element("cols", ["space": "708"]),
            ])
    }

    private func isTable(_ block: RichDocument.Block) -> Bool {
        if case .table = block { return true }
        return false
    }
}
