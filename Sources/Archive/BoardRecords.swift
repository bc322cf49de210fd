import Foundation
import Workflow

/// Which kind of board log a record belongs to, and so where it lives:
/// `series/ID/`, `meetings/ID/` or `reports/REF/`.
public enum BoardLogKind: String, Sendable, Hashable, CaseIterable {
    case series, meeting, report

    /// The archive directory holding logs of this kind.
    public var directory: String {
        switch self {
        case .series: return "series"
        case .meeting: return "meetings"
        case .report: return "reports"
        }
    }
}

/// A section of a Board report that officers may write (the others are built from facts).
public enum ReportSectionName: String, Sendable, Hashable, Codable, CaseIterable {
    case introduction, recommendations, background, finance, legal
}

/// A recurring obligation as first recorded.
public struct SeriesDefinition: Sendable, Hashable {
    public var title: String
    /// The TITLE a Board report on one of its submissions carries (default: the title).
    public var reportTitle: String?
    /// An ISO 8601 duration such as `P6M`.
    public var cadence: String
    public var firstDue: CalendarDate
    /// The workflow its submissions follow.
    public var workflow: String
    /// The service or lead officer (a report's SERVICE).
    public var service: String?
    /// To whom its submissions go, e.g. "the Secretary of State".
    public var addressee: String?

    public init(
        title: String, reportTitle: String? = nil, cadence: String, firstDue: CalendarDate, workflow: String,
        service: String? = nil, addressee: String? = nil
    ) {
        self.title = title
        self.reportTitle = reportTitle
        self.cadence = cadence
        self.firstDue = firstDue
        self.workflow = workflow
        self.service = service
        self.addressee = addressee
    }
}

/// A Board meeting as first recorded.
public struct MeetingDefinition: Sendable, Hashable {
    public var board: String
    public var date: CalendarDate
    /// Local (London) time of day, `HH:MM`.
    public var time: String?
    public var venue: String?
    /// Reports are due this many working days before the meeting.
    public var reportDeadlineWorkingDays: Int
    /// The agenda must be published this many working days before the meeting.
    public var publicationWorkingDays: Int

    public init(
        board: String, date: CalendarDate, time: String? = nil, venue: String? = nil,
        reportDeadlineWorkingDays: Int = 7, publicationWorkingDays: Int = 5
    ) {
        self.board = board
        self.date = date
        self.time = time
        self.venue = venue
        self.reportDeadlineWorkingDays = reportDeadlineWorkingDays
        self.publicationWorkingDays = publicationWorkingDays
    }
}

/// A numbered line of a published agenda: a standing item (no reference) or a submission.
public struct PublishedAgendaItem: Sendable, Hashable {
    public var number: Int
    public var reference: String?
    public var title: String

    public init(number: Int, reference: String?, title: String) {
        self.number = number
        self.reference = reference
        self.title = title
    }
}

/// What one board log entry records.
public enum BoardRecord: Sendable, Hashable {
    case seriesDefined(SeriesDefinition)
    case sectionDefault(ReportSectionName, text: String)
    case meetingDefined(MeetingDefinition)
    case agendaOrder([String])
    case itemExempt(reference: String, paragraph: Int)
    case itemOpen(reference: String)
    /// Supplement 0 is the agenda; 1, 2 … are supplementary agendas.
    case agendaPublished(supplement: Int, items: [PublishedAgendaItem])
    case sectionText(ReportSectionName, text: String)
    /// Who attended a meeting (board format 2, as are the next two).
    case attendance(MeetingAttendance)
    case declaration(InterestDeclaration)
    case decision(BoardDecision)
    /// An action marked done or reopened (board format 3, as is the next).
    case actionUpdate(ActionUpdate)
    /// The submission that carries the meeting's minutes.
    case minutes(reference: String)

    /// The oldest board format that holds the record: entries are written in it, so archives
    /// without the newer schema files keep working for everything else.
    public var format: Int {
        switch self {
        case .seriesDefined, .sectionDefault, .meetingDefined, .agendaOrder, .itemExempt, .itemOpen,
            .agendaPublished, .sectionText:
            1
        case .attendance, .declaration, .decision: 2
        case .actionUpdate, .minutes: 3
        }
    }

    /// The schema family of `format`.
    public var schemaFamily: SchemaFamily {
        switch format {
        case 1: .board
        case 2: .board2
        default: .board3
        }
    }
}

/// One file of a board log: who recorded what, when, chained to the file before.
public struct BoardEntry: Sendable, Hashable, ChainedLogEntry {
    public var kind: BoardLogKind
    /// The series id, meeting id or submission reference.
    public var logID: String
    public var sequence: Int
    public var time: Date
    public var actor: ActorStamp
    /// SHA-256 of the previous entry's file; 64 zeros for the first.
    public var previous: String
    public var record: BoardRecord

    /// The `previous` of a log's first entry.
    public static let genesis = String(repeating: "0", count: 64)

    public init(
        kind: BoardLogKind, logID: String, sequence: Int, time: Date, actor: ActorStamp, previous: String,
        record: BoardRecord
    ) {
        self.kind = kind
        self.logID = logID
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.previous = previous
        self.record = record
    }
}
