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
            findings += verifyCitations(of: proceedings, at: id) + verifyMinutesLink(of: proceedings, at: id)
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

    /// Each decision cites the submission event it fired by number and file SHA-256: the
    /// event must still be that file, byte for byte.
    private func verifyCitations(of proceedings: MeetingProceedings, at id: String) -> [VerificationFinding] {
        proceedings.decisions.compactMap { decision in
            guard let reference = decision.reference, let cited = decision.submissionEvent else { return nil }
            let actual = try? store.eventFileSHA256(reference, cited.sequence)
            guard actual != cited.sha256 else { return nil }
            return VerificationFinding(
                severity: .problem, path: "meetings/\(id)",
                message: "the decision on item \(decision.item) cites \(reference)'s event \(cited.sequence) with "
                    + "SHA-256 \(cited.sha256), but that event file "
                    + (actual.map { "has SHA-256 \($0)" } ?? "cannot be read"))
        }
    }

    /// The minutes a meeting's log names must be a submission of the minutes' workflow; minutes
    /// started but not yet named (a drafting interrupted between the two) are noted.
    private func verifyMinutesLink(of proceedings: MeetingProceedings, at id: String) -> [VerificationFinding] {
        let reference = proceedings.minutesReference ?? Self.minutesReference(of: id)
        guard store.hasSubmissionRecord(reference) else {
            return proceedings.minutesReference == nil
                ? []
                : [
                    VerificationFinding(
                        severity: .problem, path: "meetings/\(id)",
                        message: "its log names the minutes \(reference), which is not a submission")
                ]
        }
        guard let minutes = try? submission(reference) else { return [] }  // its own checks report it
        if minutes.record.workflowName != Self.minutesWorkflow {
            return [
                VerificationFinding(
                    severity: .problem, path: "meetings/\(id)",
                    message: "\(reference) follows \(minutes.record.workflowName), not the minutes' workflow")
            ]
        }
        if proceedings.minutesReference == nil {
            return [
                VerificationFinding(
                    severity: .note, path: "meetings/\(id)",
                    message: "the minutes \(reference) were started but the meeting's log does not name them "
                        + "(interrupted?); drafting them again completes it")
            ]
        }
        return []
    }
}
