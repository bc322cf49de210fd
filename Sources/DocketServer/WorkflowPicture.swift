import Workflow
import XML

/// Draws a workflow as SVG from its definition: states as boxes in a column, in the order the
/// definition gives them, transitions as labelled arrows; the current state filled. States and
/// arrows carry their labels (what a person reads), not their ids. Built through libxml2 like
/// every other XML Docket writes, so labels are escaped.
enum WorkflowPicture {
    static let svg = XMLNamespace(uri: "http://www.w3.org/2000/svg")

    static func render(_ definition: WorkflowDefinition, current: String?) throws -> [UInt8] {
        let states = definition.states
        // Wide enough for the longest label at about 8 px a character (14 px type); the arrows'
        // labels (11 px) run to the right of the lanes.
        let boxWidth = max(230, 24 + 8 * (states.map(\.label.count).max() ?? 0))
        let arrowLabel = 7 * (states.flatMap(\.transitions).map(\.label.count).max() ?? 0)
        let boxHeight = 34
        let gap = 38
        let left = 40
        let width = left + boxWidth + 12 + 6 * 14 + arrowLabel + 20
        var row: [String: Int] = [:]
        for (index, state) in states.enumerated() { row[state.id] = index }
        func top(_ id: String) -> Int { 20 + (row[id] ?? 0) * (boxHeight + gap) }
        let height = 40 + states.count * (boxHeight + gap)
        var elements: [XMLElement] = [
            XMLElement(
                "title", namespace: svg, attributes: attributes([("id", "workflow-title")]),
                text: "Workflow \(definition.title ?? definition.name)"
                    + (current.map { ", now \(definition.stateLabel($0))" } ?? "")),
            XMLElement(
                "defs", namespace: svg,
                elements: [
                    XMLElement(
                        "marker", namespace: svg,
                        attributes: attributes([
                            ("id", "arrow"), ("viewBox", "0 0 10 10"), ("refX", "10"), ("refY", "5"),
                            ("markerWidth", "7"), ("markerHeight", "7"), ("orient", "auto"),
                        ]),
                        elements: [
                            XMLElement("path", namespace: svg, attributes: attributes([("d", "M0,0 L10,5 L0,10 z")]))
                        ])
                ]),
        ]
        var lane = 0
        for state in states {
            for transition in state.transitions {
                let from = top(state.id) + boxHeight / 2
                let to = top(transition.target) + boxHeight / 2
                let forward = to > from
                // Forward arrows run down the right, backward ones up the left, each in its own lane.
                lane += 1
                let x = forward ? left + boxWidth + 12 + (lane % 6) * 14 : left - 12 - (lane % 3) * 10
                let edge = forward ? left + boxWidth : left
                elements.append(
                    XMLElement(
                        "path", namespace: svg,
                        attributes: attributes([
                            ("d", "M\(edge),\(from) H\(x) V\(to) H\(edge)"), ("fill", "none"), ("stroke", "#555"),
                            ("stroke-width", "1.2"), ("stroke-dasharray", forward ? "none" : "3 3"),
                            ("marker-end", "url(#arrow)"),
                        ])))
                if forward {
                    elements.append(
                        XMLElement(
                            "text", namespace: svg,
                            attributes: attributes(
                                [("x", "\(x + 4)"), ("y", "\((from + to) / 2)")] + Self.font(size: 11, colour: "#333")),
                            text: transition.label))
                }
            }
        }
        for state in states {
            let isCurrent = state.id == current
            elements.append(
                XMLElement(
                    "rect", namespace: svg,
                    attributes: attributes([
                        ("x", "\(left)"), ("y", "\(top(state.id))"), ("width", "\(boxWidth)"),
                        ("height", "\(boxHeight)"),
                        ("rx", "6"), ("fill", isCurrent ? "#1d3557" : "#fff"), ("stroke", "#1d3557"),
                        ("stroke-width", "1.5"),
                        ("stroke-dasharray", state.isFinal && !isCurrent ? "4 2" : "none"),
                    ])))
            elements.append(
                XMLElement(
                    "text", namespace: svg,
                    attributes: attributes(
                        [
                            ("x", "\(left + 12)"), ("y", "\(top(state.id) + 22)"),
                        ] + Self.font(size: 14, colour: isCurrent ? "#fff" : "#1d3557", bold: isCurrent)),
                    text: state.label + (isCurrent ? " (now)" : "")))
        }
        let root = XMLElement(
            "svg", namespace: svg,
            attributes: attributes([
                ("viewBox", "0 0 \(width) \(height)"), ("width", "\(width)"), ("height", "\(height)"),
                ("role", "img"),
                ("aria-labelledby", "workflow-title"),
            ]),
            // Drawn with presentation attributes, not a <style> element: the Content-Security-Policy
            // every answer carries (style-src 'self') blocks inline styles, which left the boxes
            // black and the names unreadable.
            elements: elements)
        let built = try XMLDocument(root: root, source: "workflow.svg")
        return try built.serializedWithoutDeclaration(indented: false)
    }

    /// Text presentation attributes: a sans-serif font of `size` pixels in `colour`.
    private static func font(size: Int, colour: String, bold: Bool = false) -> [(String, String)] {
        [("font-family", "sans-serif"), ("font-size", "\(size)"), ("fill", colour)]
            + (bold ? [("font-weight", "bold")] : [])
    }

    private static func attributes(_ pairs: [(String, String)]) -> [XMLAttribute] {
        pairs.map { XMLAttribute($0.0, value: $0.1) }
    }
}
