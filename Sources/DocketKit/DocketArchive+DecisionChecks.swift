import Archive
import Foundation

extension DocketArchive {
    /// Notes each submission event that took a meeting's outcome without the decision that
    /// should cite it: what a crash between firing the event and recording the decision
    /// leaves. Recording the decision for that item again completes it.
    ///
    /// Only meetings whose proceedings are recorded in Docket are checked: outcomes fired
    /// directly on a submission, as before decisions were recorded, cite no decision.
    func verifyDecisions() -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        for id in meetingIDs() {
            guard let proceedings = try? proceedings(of: id), !proceedings.isEmpty,
                let view = try? meeting(id)
            else { continue }
            for item in view.items where item.isPublished && proceedings.decision(forItem: item.number) == nil {
                guard let reference = item.reference, let submission = try? submission(reference),
                    let event = Self.outcomeEvent(of: submission, at: id)
                else { continue }
                findings.append(
                    VerificationFinding(
                        severity: .note, path: "meetings/\(id)",
                        message: "item \(item.number) (\(reference)): the submission's event \(event.sequence) records "
                            + "the Board's outcome but no decision is recorded for it (interrupted?); record the "
                            + "decision for item \(item.number) again to complete it"))
            }
        }
        return findings
    }
}
