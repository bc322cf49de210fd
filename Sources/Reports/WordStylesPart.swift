import XML

/// Builds `word/styles.xml`: the council look (Arial 11pt) as named styles, so an officer who
/// edits the document in Word finds "Heading 1", "Title" and "List Paragraph" in the gallery
/// rather than direct formatting on every paragraph.
enum WordStylesPart {
    /// The `w:styles` element; `language` becomes the proofing language of all text.
    static func root(language: String) -> XMLElement {
        W.element(
            "styles", [:],
            [
                defaults(language: language),
                paragraphStyle(
                    id: "Normal", name: "Normal", isDefault: true,
                    paragraph: [W.element("spacing", ["after": "160", "line": "264", "lineRule": "auto"])],
                    run: [arial, W.value("sz", "22"), W.value("szCs", "22")]),
                paragraphStyle(
                    id: "Title", name: "Title",
                    paragraph: [W.element("spacing", ["after": "240"])],
                    run: bold + [W.value("sz", "32"), W.value("szCs", "32")]),
                paragraphStyle(
                    id: "Banner", name: "Banner",
                    paragraph: [W.element("spacing", ["after": "240"]), W.value("jc", "center")],
                    run: bold + [W.value("sz", "28"), W.value("szCs", "28")]),
                heading(level: 1, size: 24),
                heading(level: 2, size: 22),
                paragraphStyle(
                    id: "ListParagraph", name: "List Paragraph",
                    paragraph: [
                        W.element("spacing", ["after": "80"]),
                        W.element("ind", ["left": "\(WordLayout.listTextIndent)"]),
                    ],
                    run: []),
                paragraphStyle(
                    id: "Notice", name: "Notice",
                    paragraph: [
                        W.element(
                            "pBdr", [:],
                            ["top", "left", "bottom", "right"].map { side in
                                W.element(side, ["val": "single", "sz": "12", "space": "4", "color": "000000"])
                            }),
                        W.element("spacing", ["before": "240", "after": "240"]),
                    ],
                    run: bold),
                W.element(
                    "style", ["type": "character", "default": "1", "styleId": "DefaultParagraphFont"],
                    [W.value("name", "Default Paragraph Font"), W.value("uiPriority", "1"), W.element("semiHidden")]),
                W.element(
                    "style", ["type": "table", "default": "1", "styleId": "TableNormal"],
                    [
                        W.value("name", "Normal Table"), W.value("uiPriority", "99"), W.element("semiHidden"),
                        W.element(
                            "tblPr", [:],
                            [
                                W.element("tblInd", ["w": "0", "type": "dxa"]),
                                W.element(
                                    "tblCellMar", [:],
                                    [
                                        W.element("top", ["w": "0", "type": "dxa"]),
                                        W.element("left", ["w": "108", "type": "dxa"]),
                                        W.element("bottom", ["w": "0", "type": "dxa"]),
                                        W.element("right", ["w": "108", "type": "dxa"]),
                                    ]),
                            ]),
                    ]),
                W.element(
                    "style", ["type": "table", "styleId": "TableGrid"],
                    [
                        W.value("name", "Table Grid"), W.value("basedOn", "TableNormal"), W.value("uiPriority", "59"),
                        W.element(
                            "pPr", [:], [W.element("spacing", ["after": "0", "line": "240", "lineRule": "auto"])]),
                        W.element("tblPr", [:], [W.tableBorders()]),
                    ]),
            ])
    }

    private static let arial = W.element(
        "rFonts", ["ascii": "Arial", "hAnsi": "Arial", "eastAsia": "Arial", "cs": "Arial"])
    private static let bold = [W.element("b"), W.element("bCs")]

    /// Document defaults, for text that names no style (and for applications that ignore styles).
    private static func defaults(language: String) -> XMLElement {
        W.element(
            "docDefaults", [:],
            [
                W.element(
                    "rPrDefault", [:],
                    [
                        W.element(
                            "rPr", [:],
                            [arial, W.value("sz", "22"), W.value("szCs", "22"), W.value("lang", language)])
                    ]),
                W.element("pPrDefault", [:], [W.element("pPr", [:], [W.element("spacing", ["after": "160"])])]),
            ])
    }

    /// Word recognises its built-in headings by the lower-case names "heading 1" and "heading 2";
    /// the outline level puts them in the navigation pane and a table of contents.
    private static func heading(level: Int, size: Int) -> XMLElement {
        paragraphStyle(
            id: "Heading\(level)", name: "heading \(level)",
            paragraph: [
                W.element("keepNext"), W.element("keepLines"),
                W.element("spacing", ["before": "240", "after": "120"]),
                W.value("outlineLvl", "\(level - 1)"),
            ],
            run: bold + [W.value("sz", "\(size)"), W.value("szCs", "\(size)")])
    }

    /// A paragraph style based on Normal; `paragraph` and `run` in schema order.
    private static func paragraphStyle(
        id: String, name: String, isDefault: Bool = false, paragraph: [XMLElement], run: [XMLElement]
    ) -> XMLElement {
        var children = [W.value("name", name)]
        if !isDefault {
            children += [W.value("basedOn", "Normal"), W.value("next", "Normal")]
        }
        children.append(W.element("qFormat"))
        if !paragraph.isEmpty { children.append(W.element("pPr", [:], paragraph)) }
        if !run.isEmpty { children.append(W.element("rPr", [:], run)) }
        let attributes: KeyValuePairs<String, String> =
            isDefault
            ? ["type": "paragraph", "default": "1", "styleId": id] : ["type": "paragraph", "styleId": id]
        return W.element("style", attributes, children)
    }
}

/// Builds `word/numbering.xml`: one bullet definition shared by every bullet list, and one
/// decimal definition per numbered list.
///
/// Word and LibreOffice continue a list's count across every paragraph that uses the same
/// abstract numbering, so a second "The Board is asked to:" list would start at 2 or 3. A
/// separate abstract numbering per list (with its own `w:nsid`), plus a `w:startOverride`,
/// makes each list start at 1 in both.
enum WordNumberingPart {
    /// The `w:numbering` element for a document with `numberedLists` numbered lists.
    static func root(numberedLists: Int) -> XMLElement {
        let lists = Array(1..<numberedLists + 1)
        let definitions = [bulletDefinition()] + lists.map(decimalDefinition(id:))
        // Instance 1 is the bullets; instance k + 1 is numbered list k (see WordDocumentPart).
        var instances = [
            W.element(
                "num", ["numId": "\(WordDocumentPart.bulletNumberingID)"], [W.value("abstractNumId", "0")])
        ]
        for list in lists {
            instances.append(
                W.element(
                    "num", ["numId": "\(WordDocumentPart.bulletNumberingID + list)"],
                    [
                        W.value("abstractNumId", "\(list)"),
                        W.element("lvlOverride", ["ilvl": "0"], [W.value("startOverride", "1")]),
                    ]))
        }
        return W.element("numbering", [:], definitions + instances)
    }

    private static func bulletDefinition() -> XMLElement {
        definition(
            id: 0, format: "bullet", text: "\u{2022}",
            run: [W.element("rFonts", ["ascii": "Arial", "hAnsi": "Arial", "cs": "Arial", "hint": "default"])])
    }

    private static func decimalDefinition(id: Int) -> XMLElement {
        definition(id: id, format: "decimal", text: "%1.", run: [])
    }

    private static func definition(id: Int, format: String, text: String, run: [XMLElement]) -> XMLElement {
        let hanging = WordLayout.listTextIndent - WordLayout.numberIndent
        var level = [
            W.value("start", "1"), W.value("numFmt", format), W.value("lvlText", text), W.value("lvlJc", "left"),
            // The number sits at the hanging indent and the tab after it reaches the left indent.
            W.element(
                "pPr", [:], [W.element("ind", ["left": "\(WordLayout.listTextIndent)", "hanging": "\(hanging)"])]),
        ]
        if !run.isEmpty { level.append(W.element("rPr", [:], run)) }
        return W.element(
            "abstractNum", ["abstractNumId": "\(id)"],
            [
                // A distinct, stable identifier per definition: Word treats definitions that
                // share an nsid as one list when documents are combined.
                W.value("nsid", nsid(id)),
                W.value("multiLevelType", "singleLevel"),
                W.element("lvl", ["ilvl": "0"], level),
            ])
    }

    /// Eight hexadecimal digits, derived from the definition's number so output is repeatable.
    private static func nsid(_ id: Int) -> String {
        let digits = String(0x4443_0000 + id, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// Builds `word/settings.xml`. Without a compatibility mode Word opens the file in
/// "Compatibility Mode" as if it came from Word 2007.
enum WordSettingsPart {
    static func root() -> XMLElement {
        W.element(
            "settings", [:],
            [
                W.value("defaultTabStop", "\(WordLayout.numberIndent)"),
                W.value("characterSpacingControl", "doNotCompress"),
                W.element(
                    "compat", [:],
                    [
                        W.element(
                            "compatSetting",
                            [
                                "name": "compatibilityMode", "uri": "http://schemas.microsoft.com/office/word",
                                "val": "15",
                            ])
                    ]),
            ])
    }
}
