import Archive
import Foundation
import Index
import Workflow

/// A state and how many submissions are in it (a Sendable pair for the view cache).
private struct StateCount: Sendable {
    var state: String
    var count: Int
}

extension DocketArchive {
    /// Submissions whose current state has an event this user's roles may fire: what is
    /// waiting for them. From the index (no replay), most recently active first; the
    /// submission page then checks the event itself against the pinned workflow.
    public func waiting(for user: String, limit: Int = 50) throws(DocketError) -> [SearchIndex.SubmissionLine] {
        let actor = try actor(user)
        let held = Set(actor.grants.map(\.role))
        var keys: Set<String> = []
        var states: Set<String> = []
        for definition in try workflows() {
            for state in definition.states where !state.isFinal {
                if state.transitions.contains(where: { !$0.roles.isDisjoint(with: held) }) {
                    keys.insert("\(definition.name)/\(state.id)")
                    states.insert(state.id)
                }
            }
        }
        let index = try index()
        let lines = try indexCall { () throws(IndexError) in
            try index.submissionLines(inStates: states.sorted(), limit: limit * 4)
        }
        return Array(lines.filter { keys.contains("\($0.workflow)/\($0.state)") }.prefix(limit))
    }

    /// Submissions by state, from the index (counted again only after the archive changed:
    /// counting reads every submission's index entry, 14 ms at 125,000).
    public func stateCounts() throws(DocketError) -> [(state: String, count: Int)] {
        let index = try index()
        let counts = try derived("state-counts") { () throws(DocketError) in
            try indexCall { () throws(IndexError) in try index.stateCounts() }.map {
                StateCount(state: $0.state, count: $0.count)
            }
        }
        return counts.map { ($0.state, $0.count) }
    }

    /// A page of submissions, optionally in one state, most recently active first.
    public func submissionLines(inState state: String? = nil, limit: Int = 50, offset: Int = 0) throws(DocketError)
        -> [SearchIndex.SubmissionLine]
    {
        let index = try index()
        return try indexCall { () throws(IndexError) in
            try index.submissionLines(inStates: state.map { [$0] }, limit: limit, offset: offset)
        }
    }

    /// Whether a user holds a role (directly or by a delegation in force).
    public func holds(_ role: Role, _ user: String) -> Bool {
        (try? actor(user))?.grant(for: [role]) != nil
    }
}
