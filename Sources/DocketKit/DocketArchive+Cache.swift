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
    var generation: Int?
    var views: [String: any Sendable] = [:]
}

extension DocketArchive {
    /// The view under `key`, from the cache when nothing has changed since it was computed.
    /// Without a usable index nothing is cached: every call computes.
    func derived<View: Sendable>(
        _ key: String, _ compute: () throws(DocketError) -> View
    ) throws(DocketError) -> View {
        guard let generation = try? index().generation() else { return try compute() }
        let known = derivedViews.withLock { cache -> View? in
            guard cache.generation == generation else { return nil }
            return cache.views[key] as? View
        }
        if let known { return known }
        let view = try compute()
        derivedViews.withLock { cache in
            // Views from another generation are all stale: drop them rather than let them pile up.
            // (A slow computation may put back an older generation; the next call then recomputes.)
            if cache.generation != generation { cache = DerivedViewCache(generation: generation) }
            cache.views[key] = view
        }
        return view
    }

    /// Forgets every cached view (the index is being replaced, and a new index counts its
    /// generations from the start again).
    func forgetDerivedViews() {
        derivedViews.withLock { $0 = DerivedViewCache() }
    }

    /// Tells the index (and so every process's cached views) that the archive changed in a way
    /// its rows do not show. Best effort: an unusable index caches nothing anyway.
    func noteArchiveChange() {
        try? indexForRecordingWrites()?.noteChange()
    }
}
