import Foundation
import Index

/// Views computed from many records, kept until anything in the archive changes.
///
/// Every Docket write updates the index in the same step (submissions through their index
/// rows, board logs through `SearchIndex.noteChange()`), and every index write moves its
/// generation on, whichever process made it. A view computed at a generation is therefore
/// current while the generation stays the same. The generation is read before the view is
/// computed, so a write that lands during the computation leaves the view marked older than
/// it and it is computed again at the next call.
struct DerivedViewCache: Sendable {
    /// The index handle and its generation the views were computed at.
    var instance: UUID?
    var generation: Int?
    var views: [String: any Sendable] = [:]
    /// Set when this process made a change it could not record in the index: its generation
    /// no longer says everything, so nothing is cached from then on.
    var distrusted = false
}

extension DocketArchive {
    /// The view under `key`, from the cache when nothing has changed since it was computed.
    /// Without a usable index nothing is cached: every call computes.
    func derived<View: Sendable>(
        _ key: String, _ compute: () throws(DocketError) -> View
    ) throws(DocketError) -> View {
        guard !derivedViews.withLock({ $0.distrusted }), let index = try? index(),
            let generation = try? index.generation()
        else { return try compute() }
        let known = derivedViews.withLock { cache -> View? in
            guard cache.instance == index.instance, cache.generation == generation else { return nil }
            return cache.views[key] as? View
        }
        if let known { return known }
        let view = try compute()
        derivedViews.withLock { cache in
            guard !cache.distrusted else { return }
            // Views from another generation are all stale: drop them rather than let them pile up.
            // (A slow computation may put back an older generation; the next call then recomputes.)
            if cache.instance != index.instance || cache.generation != generation {
                cache = DerivedViewCache(instance: index.instance, generation: generation)
            }
            cache.views[key] = view
        }
        return view
    }

    /// Forgets every cached view (the index is being replaced, and a new index counts its
    /// generations from the start again).
    func forgetDerivedViews() {
        derivedViews.withLock { $0 = DerivedViewCache(distrusted: $0.distrusted) }
    }

    /// Stops caching views in this process: it changed the archive without telling the index.
    func distrustDerivedViews() {
        derivedViews.withLock { $0 = DerivedViewCache(distrusted: true) }
    }

    /// Tells the index (and so every process's cached views) that the archive changed in a way
    /// its rows do not show. If that fails, this process stops trusting its cache. (Another
    /// process's cache cannot be told: the index must be writable by every process that writes
    /// the archive, as it already must be for searching.)
    func noteArchiveChange() {
        do {
            guard let index = indexForRecordingWrites() else { throw IndexError.failed("no index to record in") }
            try index.noteChange()
        } catch {
            distrustDerivedViews()
        }
    }
}
