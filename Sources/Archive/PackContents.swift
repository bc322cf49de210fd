import Workflow

/// What a submission's pack holds after its events, folded in order: documents join with
/// `document-added` and leave with `document-removed` or when a later addition replaces them.
/// Documents that left stay archived; they are listed here with the event that took them out.
public struct PackContents: Sendable, Hashable {
    /// A document that left the pack, and why.
    public struct Departure: Sendable, Hashable {
        /// The document as the pack knew it.
        public var document: PackDocument
        /// The event that took it out.
        public var sequence: Int
        /// The reason given for a removal; nil when a new document replaced it.
        public var reason: String?
        /// The document that replaced it, if one did.
        public var replacedBy: String?
    }

    /// The documents in the pack now, in the order they joined it.
    public private(set) var documents: [PackDocument] = []
    /// The documents that joined and then left, in the order they left.
    public private(set) var departures: [Departure] = []

    /// The pack before any event.
    public init() {}

    /// The pack after `events`, in sequence order.
    public init(after events: some Sequence<StoredEvent>) {
        for event in events { apply(event) }
    }

    /// Whether the document is in the pack now.
    public func contains(_ sha256: String) -> Bool {
        documents.contains { $0.sha256 == sha256 }
    }

    /// Applies one event (transitions and filed correspondence leave the pack as it is: mail
    /// from outside never changes what the Mayor signed; a disposal neither: the pack's record
    /// of what was signed stands, only the content of a destroyed document is gone).
    public mutating func apply(_ event: StoredEvent) {
        switch event.body {
        case .transition, .correspondenceFiled, .recordsDisposed:
            break
        case .documentAdded(let document, _, let replaced):
            if let replaced {
                leave(replaced, sequence: event.sequence, reason: nil, replacedBy: document.sha256)
            }
            documents.append(document)
        case .documentRemoved(let document, let reason):
            leave(document.sha256, sequence: event.sequence, reason: reason, replacedBy: nil)
        }
    }

    private mutating func leave(_ sha256: String, sequence: Int, reason: String?, replacedBy: String?) {
        guard let index = documents.firstIndex(where: { $0.sha256 == sha256 }) else { return }
        let document = documents.remove(at: index)
        departures.append(Departure(document: document, sequence: sequence, reason: reason, replacedBy: replacedBy))
    }
}
