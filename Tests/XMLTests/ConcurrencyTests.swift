import Foundation
import Testing
import XML

@Suite("Concurrent parsing and validation")
struct ConcurrencyTests {
    /// What one task saw, reduced to plain values that can leave the task.
    struct Outcome: Sendable {
        var index: Int
        var parsed: Bool
        var diagnostics: [XMLDiagnostic]
        var canonicalLength: Int
    }

    /// Every number written between `zq` markers in `text`: each task marks its values with
    /// its own index, so a diagnostic naming another index came from another task.
    static func markers(in text: String) -> [Int] {
        text.components(separatedBy: "zq").enumerated().compactMap { offset, part in
            offset.isMultiple(of: 2) ? nil : Int(part)
        }
    }

    /// Document number `index`: valid, schema-invalid (two problems) or not well-formed,
    /// shifted down by `index % 5` blank lines so that each task expects its own line numbers.
    static func document(_ index: Int) -> String {
        let padding = String(repeating: "\n", count: index % 5)
        let digest = String(repeating: "e", count: 64)
        let mark = "zq\(index)zq"
        let reference: String
        let role: String
        let extra: String
        switch index % 3 {
        case 0: (reference, role, extra) = ("BVP-2016-\(String(format: "%02d", index % 100))", "officer", "")
        case 1: (reference, role, extra) = (mark, mark, "")
        default: (reference, role, extra) = ("BVP-2016-01", "officer", "<\(mark)></x\(mark)>")
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>\(padding)
            <document xmlns="urn:docket:test:metadata:1" kind="annex" sha256="\(digest)">
              <reference>\(reference)</reference>
              <title>Task \(mark)</title>
              <author role="\(role)">Officer</author>\(extra)
              <dated>2016-09-20</dated>
            </document>
            """
    }

    /// Parses and validates document `index` with the shared schema, entirely inside one task.
    static func check(_ index: Int, schema: XMLSchema) -> Outcome {
        let source = "doc-\(index).xml"
        do {
            let document = try XMLDocument(parsing: Self.document(index), source: source)
            let problems = schema.problems(in: document)
            let canonical = try document.canonicalized()
            return Outcome(index: index, parsed: true, diagnostics: problems, canonicalLength: canonical.count)
        } catch let error as XMLError {
            return Outcome(index: index, parsed: false, diagnostics: error.diagnostics, canonicalLength: 0)
        } catch {
            return Outcome(
                index: index, parsed: false,
                diagnostics: [XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "\(error)")],
                canonicalLength: 0)
        }
    }

    /// The checks every outcome must pass: its own diagnostics, no one else's.
    static func verify(_ outcome: Outcome) {
        let index = outcome.index
        let line = 1 + index % 5
        let diagnostics = outcome.diagnostics
        #expect(diagnostics.allSatisfy { $0.source == "doc-\(index).xml" }, "doc \(index): \(diagnostics)")
        let foreign = diagnostics.flatMap { markers(in: $0.message) }.filter { $0 != index }
        #expect(foreign.isEmpty, "doc \(index) got diagnostics of docs \(foreign): \(diagnostics)")
        switch index % 3 {
        case 0:
            #expect(outcome.parsed && diagnostics.isEmpty, "doc \(index) should be valid: \(diagnostics)")
            #expect(outcome.canonicalLength > 0)
        case 1:
            #expect(outcome.parsed)
            #expect(diagnostics.map(\.line) == [line + 2, line + 4], "doc \(index): \(diagnostics)")
            #expect(diagnostics.allSatisfy { markers(in: $0.message) == [index] }, "doc \(index): \(diagnostics)")
        default:
            #expect(!outcome.parsed)
            #expect(diagnostics.first?.line == line + 4, "doc \(index): \(diagnostics)")
            #expect(diagnostics.first.map { markers(in: $0.message) } == [index, index], "doc \(index)")
            #expect(diagnostics.allSatisfy { $0.line > 0 && $0.column > 0 })
        }
    }

    @Test("the document generator produces what the checks expect (checked one at a time)")
    func sequentialControl() throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        for index in 0..<15 {
            Self.verify(Self.check(index, schema: schema))
        }
        #expect(Self.markers(in: "a zq12zq b zq7zq") == [12, 7])
    }

    @Test("many tasks sharing one schema each get exactly their own diagnostics")
    func sharedSchemaManyTasks() async throws {
        let schema = try XMLSchema(contentsOfFile: try Fixtures.path("schema/metadata.xsd"))
        let count = 600
        let outcomes = await withTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
            for index in 0..<count {
                group.addTask { Self.check(index, schema: schema) }
            }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.count == count)
        #expect(Set(outcomes.map(\.index)).count == count)
        for outcome in outcomes { Self.verify(outcome) }
    }

    /// What one concurrent schema load gave: whether it loaded, and its diagnostics if not.
    struct LoadOutcome: Sendable {
        var wantsSibling: Bool
        var loaded: Bool
        var diagnostics: [XMLDiagnostic]
    }

    @Test("schemas loading at the same time keep their own trusted directories and errors")
    func concurrentSchemaLoading() async throws {
        let sibling = try Fixtures.path("schema-imports/sibling/main.xsd")
        let outside = try Fixtures.path("schema-imports/outside/main.xsd")
        let outcomes = await withTaskGroup(of: LoadOutcome.self, returning: [LoadOutcome].self) { group in
            for index in 0..<80 {
                let wantsSibling = index.isMultiple(of: 2)
                group.addTask {
                    do {
                        _ = try XMLSchema(contentsOfFile: wantsSibling ? sibling : outside)
                        return LoadOutcome(wantsSibling: wantsSibling, loaded: true, diagnostics: [])
                    } catch let error as XMLError {
                        return LoadOutcome(wantsSibling: wantsSibling, loaded: false, diagnostics: error.diagnostics)
                    } catch {
                        return LoadOutcome(wantsSibling: wantsSibling, loaded: false, diagnostics: [])
                    }
                }
            }
            var outcomes: [LoadOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.count == 80)
        for outcome in outcomes {
            if outcome.wantsSibling {
                #expect(outcome.loaded, "a sibling import was refused: \(outcome.diagnostics)")
            } else {
                #expect(!outcome.loaded, "an import outside the schema's directory was allowed")
                #expect(outcome.diagnostics.contains { $0.message.contains("shared/common.xsd") })
                // Messages from the sibling loads running meanwhile must not land here.
                #expect(!outcome.diagnostics.contains { $0.message.contains("sibling") }, "\(outcome.diagnostics)")
            }
        }
    }
}
