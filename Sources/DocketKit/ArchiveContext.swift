import Archive
import Foundation

/// What DocketKit's feature services share over one open archive: its files, the clock that
/// stamps what they record, the working-day calendar, and the operating-system account of
/// this process (recorded beside the Docket user).
struct ArchiveContext: Sendable {
    let store: ArchiveStore
    let clock: @Sendable () -> Date
    let systemUser: String
    let calendar: WorkingCalendar

    /// Now, to the millisecond (what the archive records).
    func now() -> Date {
        Date(timeIntervalSince1970: (clock().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// Runs an archive operation, wrapping its error.
    func archive<Value>(_ body: () throws(ArchiveError) -> Value) throws(DocketError) -> Value {
        do {
            return try body()
        } catch {
            throw .archive(error)
        }
    }
}
