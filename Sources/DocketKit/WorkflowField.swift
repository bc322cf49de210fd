/// The names in a submission's workflow that Docket's Board business reads meaning into.
///
/// A workflow (SCXML) may name its fields and states as it likes; these few are the ones
/// series numbering, agendas and reports look for, so they are spelt once, here.
public enum WorkflowField {
    /// The business date a submission was sent: it orders a series' numbers.
    public static let dispatchedOn = "dispatched-on"
    /// The business date the response arrived, stated in the Board report.
    public static let receivedOn = "received-on"
    /// The id of the meeting a transition schedules the submission for.
    public static let meeting = "meeting"
    /// The Board's outcome, in words, recorded by `record-outcome`.
    public static let outcome = "outcome"
    /// The meeting at which minutes were approved as a correct record (the minutes' workflow).
    public static let approvedAt = "approved-at"
    /// The final state of a submission abandoned before it went: it keeps no number in its series.
    public static let withdrawnState = "withdrawn"
}
