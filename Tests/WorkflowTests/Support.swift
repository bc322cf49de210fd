import Foundation
import Workflow
import XML

/// Shared fixtures: the repository's default workflow, loaded through the real loader and the
/// W3C SCXML schema the default archive carries.
enum Support {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let loader: WorkflowLoader = {
        let schemaPath = repositoryRoot.appendingPathComponent("archive/schema/scxml/scxml.xsd").path
        // A broken schema is a broken checkout: fail loudly.
        return WorkflowLoader(scxmlSchema: try! XMLSchema(contentsOfFile: schemaPath))
    }()

    static let bestValue: WorkflowDefinition = {
        let url = repositoryRoot.appendingPathComponent("workflows/best-value-submission.scxml")
        let bytes = Array(try! Data(contentsOf: url))
        return try! loader.load(bytes, source: url.path)
    }()

    /// Loads SCXML text, returning the problems (empty when it loads).
    static func problems(_ text: String) -> [WorkflowProblem] {
        do {
            _ = try loader.load(Array(text.utf8), source: "test.scxml")
            return []
        } catch {
            return error.problems
        }
    }

    static let officer = Actor(user: "olivia", roles: [.officer])
    static let mayor = Actor(user: "mayor", roles: [.mayor])
    static let clerk = Actor(user: "clive", roles: [.clerk])
    static let admin = Actor(user: "ada", roles: [.admin])
    static let viewer = Actor(user: "vic", roles: [.viewer])
    static let deputy = Actor(
        user: "deputy", grants: [.init(role: .officer), .init(role: .mayor, onBehalfOf: "mayor")])

    static let submission = PackDocument(
        kind: .submission, name: "Third six-month update", sha256: String(repeating: "a", count: 64))
    static let coverLetter = PackDocument(
        kind: .coverLetter, name: "Cover letter", sha256: String(repeating: "b", count: 64))
    static let response = PackDocument(
        kind: .response, name: "Commissioners' response", sha256: String(repeating: "c", count: 64))
    static let pack = [submission, coverLetter]

    /// 10 October 2016, 09:00 UTC: after the dispatch and response dates the walks record, as
    /// a `past-date` field requires.
    static let start = Date(timeIntervalSince1970: 1_476_090_000)
}

/// Drives the engine like the archive would: fire, append on success.
struct Walk {
    let engine = WorkflowEngine(definition: Support.bestValue)
    var history: [EventRecord] = []
    var clock = Support.start

    var state: String { (try? engine.replay(history).state) ?? "?" }

    /// Fires and appends; returns the rejection if refused.
    @discardableResult
    mutating func fire(
        _ event: String, as actor: Actor, fields: [String: String] = [:], comment: String? = nil,
        pack: [PackDocument] = Support.pack
    ) -> Rejection? {
        clock += 3600
        let request = FireRequest(event: event, actor: actor, fields: fields, comment: comment, time: clock, pack: pack)
        switch engine.fire(request, after: history) {
        case .success(let record):
            history.append(record)
            return nil
        case .failure(let rejection):
            return rejection
        }
    }
}
