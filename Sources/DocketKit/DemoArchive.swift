import Archive
import Foundation
import Synchronization
import Workflow

/// What `docket demo` built.
public struct DemoSummary: Sendable {
    public var path: String
    /// User name and role, one per role.
    public var users: [(name: String, role: Role)]
    public var series: String
    /// The submissions of the series, first to third.
    public var submissions: [String]
    /// The Board meeting of 19 October 2016.
    public var meeting: String
    /// Its minutes (approved at the next meeting and signed by the chair), when it has met.
    public var minutes: String?
}

/// Builds the model case as a ready-to-explore archive: the Best Value Plan series with its
/// first three six-monthly updates, the third dispatched on 20 September 2016 with its cover
/// letter and an annex and answered by the Commissioners, and the Best Value Programme Board
/// of 19 October 2016 with that item on its published agenda and its report archived.
///
/// Every step goes through the same use cases a user's would, on a clock set to the day it
/// happened, so the history reads as it would have. The documents are short illustrative
/// texts written for the demo; the facts the reference report states are kept as stated.
public enum DemoArchive {
    /// The demo's users, one per role.
    public static let users: [(name: String, fullName: String, role: Role)] = [
        ("olivia", "Olivia Okafor (Corporate Strategy officer)", .officer),
        ("morgan", "Morgan Hale (the Mayor)", .mayor),
        ("clara", "Clara Bright (Board clerk)", .clerk),
        ("ada", "Ada Stone (Docket administrator)", .admin),
        ("victor", "Victor Reyes (auditor, read only)", .viewer),
        ("carys", "Cllr Carys Powell (Chair of the Best Value Programme Board)", .chair),
        ("rhona", "Rhona Quayle (Records manager)", .recordsManager),
    ]

    /// Every demo user's password for the web app. It is printed wherever the demo is offered:
    /// the demo is for exploring, never for real records.
    public static let password = "best-value-2016"

    /// Builds the demo in `path` (which must not hold an archive yet).
    ///
    /// - Parameters:
    ///   - meetingHeld: whether the Board of 19 October 2016 has met (its record, its decision
    ///     on the third update and its minutes signed). False stops the story the day before,
    ///     with the third update on the published agenda: a clerk can practise recording the
    ///     meeting, and tests can act on a submission still live.
    ///   - signed: whether the administrator makes the archive's signing key first, so that every
    ///     record of the story is signed (its private key in `signingKey`, else the default
    ///     location for the new archive).
    public static func build(
        at path: String, from distribution: Distribution, meetingHeld: Bool = true, signed: Bool = false,
        signingKey: String? = nil
    ) throws(DocketError) -> DemoSummary {
        let clock = Mutex(instant("2014-12-18T10:00:00Z"))
        let docket = try DocketArchive.create(
            at: path, from: distribution, clock: { clock.withLock { $0 } }, signingKey: signingKey)
        func at(_ text: String) { clock.withLock { $0 = instant(text) } }

        at("2014-12-18T10:00:00Z")
        for user in users {
            // Addresses at a reserved domain (RFC 2606): the demo's mail goes nowhere real.
            try docket.addUser(
                user.name, roles: [user.role], fullName: user.fullName, email: "\(user.name)@towerhamlets.example")
            // The password is printed wherever the demo is offered: its hash protects nothing.
            try docket.setPublishedPassword(password, for: user.name)
        }
        if signed { try docket.createSigningKey(by: "ada") }
        // Escalations go to the administrator, as the governance lead.
        try docket.setEscalationContact(series: nil, user: "ada")

        at("2015-01-06T09:30:00Z")
        try docket.addSeries(
            "BVP", title: "Best Value Plan: six-monthly progress update to the Secretary of State",
            cadence: "P6M", firstDue: date("2015-09-30"), workflow: "best-value-submission",
            service: "Service Head, Corporate Strategy and Equality", reportTitle: "Best Value Plan Update",
            addressee: "the Secretary of State", as: "olivia")
        for (section, text) in seriesTexts {
            try docket.setSeriesSectionDefault("BVP", section: section, text: text, as: "olivia")
        }

        var references: [String] = []
        var meetings: [String] = []
        for update in updates {
            at(update.meetingCreated)
            let meeting = try docket.newMeeting(
                board: "Best Value Programme Board", date: date(update.meeting), time: "18:30",
                venue: "Committee Room One, Town Hall", as: "clara")
            meetings.append(meeting)
            let reference = try runUpdate(update, meeting: meeting, docket: docket, at: at)
            references.append(reference)
        }
        let minutes =
            meetingHeld ? try holdMeeting(meetings.last!, third: references.last!, docket: docket, at: at) : nil
        return DemoSummary(
            path: path, users: users.map { ($0.name, $0.role) }, series: "BVP", submissions: references,
            meeting: meetings.last!, minutes: minutes)
    }

    /// The Board of 19 October 2016 meets and notes the third update; its minutes are drafted,
    /// circulated, approved at the next meeting (14 December 2016) and signed by the chair.
    private static func holdMeeting(
        _ meeting: String, third: String, docket: DocketArchive, at: (String) -> Void
    ) throws(DocketError) -> String {
        at("2016-10-19T19:45:00Z")
        try docket.recordAttendance(
            MeetingAttendance(
                present: [
                    MeetingPerson(name: "Cllr Carys Powell (Chair)", user: "carys"),
                    MeetingPerson(name: "Mayor Morgan Hale", user: "morgan"),
                    MeetingPerson(name: "Cllr Dev Anand"), MeetingPerson(name: "Cllr Ruth Ellis"),
                ],
                apologies: [MeetingPerson(name: "Cllr Tom Blake")],
                officers: [
                    MeetingPerson(name: "Olivia Okafor, Corporate Strategy", user: "olivia"),
                    MeetingPerson(name: "Clara Bright, Board clerk", user: "clara"),
                ]),
            at: meeting, as: "clara")
        let agenda = try docket.meeting(meeting).items.filter(\.isPublished)
        func item(_ title: String) -> String {
            agenda.first { $0.title == title }.map { "\($0.number)" } ?? title
        }
        try docket.recordDecision(
            meeting: meeting, item: item("Apologies for absence"), type: .noted,
            resolution: "Apologies for absence were received from Cllr Tom Blake.", as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: item("Declarations of interest"), type: .noted,
            resolution: "No declarations of interest were made.", as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: item("Minutes of the last meeting"), type: .agreed,
            resolution: "The minutes of the meeting held on 18 May 2016 were agreed as a correct record.",
            as: "clara")
        at("2016-10-19T20:00:00Z")
        try docket.recordDecision(
            meeting: meeting, item: third, type: .noted,
            resolution: """
                That the progress reported in the Council's third six-monthly submission to the Secretary of \
                State (Annex A), and the Commissioners' view in their response (Annex B) that work remains to \
                embed the cultural and operational changes, be noted.
                """,
            actions: [
                ActionRequest(
                    text: "Prepare the fourth six-monthly update, addressing the Commissioners' points",
                    owner: "olivia", due: "2017-03-20"),
                ActionRequest(
                    text: "Publish the third update and the response on the Council's website", owner: "clara",
                    due: "2016-11-02"),
            ],
            as: "clara")

        at("2016-10-24T10:00:00Z")
        let minutes = try docket.draftMinutes(meeting, as: "clara").reference
        at("2016-10-24T10:30:00Z")
        try docket.circulateMinutes(of: meeting, as: "clara")
        at("2016-11-01T09:00:00Z")
        let next = try docket.newMeeting(
            board: "Best Value Programme Board", date: date("2016-12-14"), time: "18:30",
            venue: "Committee Room One, Town Hall", as: "clara")
        at("2016-12-14T19:00:00Z")
        try docket.approveMinutes(of: meeting, at: next, as: "clara")
        at("2016-12-14T19:05:00Z")
        try docket.signMinutes(of: meeting, as: "carys")
        return minutes
    }

    /// One six-monthly update from drafting to the Board.
    private static func runUpdate(
        _ update: Update, meeting: String, docket: DocketArchive, at: (String) -> Void
    ) throws(DocketError) -> String {
        let ordinal = Wording.ordinal(update.number)
        at(update.created)
        let reference = try docket.newSubmission(
            workflow: "best-value-submission",
            title: "Best Value Plan: \(ordinal) six-monthly progress update", series: "BVP",
            service: "Service Head, Corporate Strategy and Equality", as: "olivia")
        let council = Party(person: nil, organisation: "London Borough Council")
        let secretary = Party(person: nil, organisation: "Secretary of State for Communities and Local Government")
        let mayor = Party(person: "The Mayor", organisation: "London Borough Council")
        let commissioners = Party(person: nil, organisation: "Secretary of State’s Commissioners")

        at(update.drafted)
        let submission = try docket.addDocument(
            to: reference, content: Array(update.submissionText.utf8),
            description: DocumentDescription(
                kind: .submission, title: "Best Value Plan: \(ordinal) six-monthly progress report",
                originalFileName: "bvp-update-\(update.number)-progress-report.txt", date: date(update.dispatched),
                creator: council, addressees: [secretary]),
            as: "olivia")
        try docket.addDocument(
            to: reference, content: Array(update.coverLetterText.utf8),
            description: DocumentDescription(
                kind: .coverLetter, title: "The Mayor’s covering letter to the Secretary of State",
                originalFileName: "bvp-update-\(update.number)-cover-letter.txt", date: date(update.dispatched),
                creator: mayor, addressees: [secretary],
                relations: [Relation(kind: .annexOf, target: submission.sha256)]
            ),
            as: "olivia")
        if let annex = update.annexText {
            try docket.addDocument(
                to: reference, content: Array(annex.utf8),
                description: DocumentDescription(
                    kind: .annex, title: "Best Value Plan action tracker",
                    originalFileName:
                        "bvp-update-\(update.number)-action-tracker.txt",
                    date: date(update.dispatched), creator: council, addressees: [secretary], annex: "1",
                    relations: [Relation(kind: .annexOf, target: submission.sha256)]),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        at(update.signedOff)
        try docket.fire("sign-off", on: reference, as: "morgan", comment: "Approved for dispatch.")
        at(update.dispatchedAt)
        try docket.fire(
            "dispatch", on: reference, as: "olivia", fields: [WorkflowField.dispatchedOn: update.dispatched])
        at(update.receivedAt)
        if update.byEmail {
            // The third reply arrives as an email: filed by the reference in its subject, and its
            // PDF recorded as the response from the mail, as an officer would.
            let fileName = "bvp-update-\(update.number)-commissioners-response.pdf"
            let arrival = try docket.receiveMessage(
                DemoMail.commissionersReply(
                    reference: reference, ordinal: ordinal, responseText: update.responseText,
                    sent: instant(update.receivedAt).addingTimeInterval(-3600), fileName: fileName),
                route: .deliver)
            guard let attachment = arrival.record.attachments.first, arrival.filedTo == reference else {
                throw .invalidInput("the demo's email was not filed to \(reference)")
            }
            try docket.recordResponse(
                fromMessage: arrival.sha256, attachment: attachment.sha256, in: reference, as: "olivia",
                title: "Commissioners’ response to the \(ordinal) progress update", creator: commissioners)
        } else {
            try docket.addDocument(
                to: reference, content: Array(update.responseText.utf8),
                description: DocumentDescription(
                    kind: .response, title: "Commissioners’ response to the \(ordinal) progress update",
                    originalFileName: "bvp-update-\(update.number)-commissioners-response.txt",
                    date: date(update.received), creator: commissioners, addressees: [mayor],
                    relations: [Relation(kind: .replyTo, target: submission.sha256)]
                ),
                as: "olivia")
            try docket.fire(
                "record-response", on: reference, as: "olivia", fields: [WorkflowField.receivedOn: update.received])
        }
        at(update.scheduled)
        try docket.fire("schedule-for-board", on: reference, as: "clara", fields: [WorkflowField.meeting: meeting])
        if let background = update.background {
            try docket.editReportSection(reference, section: .background, text: background, as: "olivia")
        }
        at(update.published)
        try docket.publishAgenda(meeting, as: "clara")
        if let outcome = update.outcome {
            at(update.considered)
            try docket.fire("record-outcome", on: reference, as: "clara", fields: ["outcome": outcome])
        }
        return reference
    }

    // MARK: - The story

    struct Update {
        var number: Int
        var created, drafted, signedOff, dispatchedAt, receivedAt, scheduled, published, considered: String
        var meetingCreated: String
        var dispatched, received, meeting: String
        var submissionText, coverLetterText: String
        var annexText: String?
        var responseText: String
        var background: String?
        var outcome: String?
        /// Whether the Commissioners' reply arrives as an email (the third update's does).
        var byEmail: Bool { number == 3 }
    }

    static let updates: [Update] = [
        Update(
            number: 1, created: "2015-08-24T09:00:00Z", drafted: "2015-09-14T11:00:00Z",
            signedOff: "2015-09-24T15:00:00Z", dispatchedAt: "2015-09-29T10:00:00Z",
            receivedAt: "2015-10-27T09:30:00Z", scheduled: "2015-10-28T10:00:00Z",
            published: "2015-11-09T12:00:00Z", considered: "2015-11-18T20:00:00Z",
            meetingCreated: "2015-09-01T09:00:00Z", dispatched: "2015-09-29", received: "2015-10-27",
            meeting: "2015-11-18",
            submissionText: """
                First six-monthly progress report on the Best Value Plan (illustrative text for the Docket demo).
                The Council sets out the governance, grants and communications work begun since the Directions.
                """,
            coverLetterText: """
                Dear Secretary of State, I enclose the Council's first six-monthly progress report on its \
                Best Value Plan. (Illustrative text written for the Docket demo.)
                """,
            annexText: nil,
            responseText: """
                The Commissioners acknowledge the first progress report and note that the plan is at an early \
                stage. (Illustrative text written for the Docket demo.)
                """,
            background: nil, outcome: "Noted"),
        Update(
            number: 2, created: "2016-02-22T09:00:00Z", drafted: "2016-03-14T11:00:00Z",
            signedOff: "2016-03-24T15:00:00Z", dispatchedAt: "2016-03-30T10:00:00Z",
            receivedAt: "2016-04-26T09:30:00Z", scheduled: "2016-04-27T10:00:00Z",
            published: "2016-05-09T12:00:00Z", considered: "2016-05-18T20:00:00Z",
            meetingCreated: "2016-03-01T09:00:00Z", dispatched: "2016-03-30", received: "2016-04-26",
            meeting: "2016-05-18",
            submissionText: """
                Second six-monthly progress report on the Best Value Plan (illustrative text for the Docket demo).
                Progress on procurement, property disposals and the grants programme is reported against the plan.
                """,
            coverLetterText: """
                Dear Secretary of State, I enclose the Council's second six-monthly progress report on its \
                Best Value Plan. (Illustrative text written for the Docket demo.)
                """,
            annexText: nil,
            responseText: """
                The Commissioners welcome the second progress report and ask for evidence that the changes are \
                becoming established. (Illustrative text written for the Docket demo.)
                """,
            background: nil, outcome: "Noted"),
        Update(
            number: 3, created: "2016-08-15T09:00:00Z", drafted: "2016-09-05T11:00:00Z",
            signedOff: "2016-09-16T15:00:00Z", dispatchedAt: "2016-09-20T10:00:00Z",
            receivedAt: "2016-10-07T09:30:00Z", scheduled: "2016-10-07T14:00:00Z",
            published: "2016-10-11T12:00:00Z", considered: "",
            meetingCreated: "2016-09-01T09:00:00Z", dispatched: "2016-09-20", received: "2016-10-07",
            meeting: "2016-10-19",
            submissionText: """
                Third six-monthly progress report on the Best Value Plan (illustrative text for the Docket demo).
                It reports progress against each element of the Secretary of State's Directions: grants, \
                property, procurement, communications, electoral administration and organisational culture.
                """,
            coverLetterText: """
                Dear Secretary of State, I enclose the Council's third six-monthly progress update on the Best \
                Value Plan. We have made considerable progress on the specific failings identified by the Best \
                Value Inspection and on the organisational culture that allowed them to happen; the Council is \
                more outward-looking, transparent and effective than a year ago. (Illustrative text written for \
                the Docket demo.)
                """,
            annexText: """
                Best Value Plan action tracker, September 2016: each action of the plan with its lead, due date \
                and status. (Illustrative text written for the Docket demo.)
                """,
            responseText: """
                The Commissioners welcome the progress set out in the third update and see real and sustained \
                progress on all elements of the Directions, while work remains to embed the cultural and \
                operational changes. (Illustrative text written for the Docket demo.)
                """,
            background: """
                The {ordinal} {cadence-digits} update on the Council’s progress in delivering its Best Value Plan \
                was submitted to {addressee} {dispatched-when}. In his covering letter (within {submission-annex}) \
                the Mayor set out the progress made on the failings the Best Value Inspection identified and on \
                the organisational culture behind them.

                The Commissioners have replied to the submission; their letter is at {response-annex}. They \
                welcome the progress made and see real and sustained progress on all elements of the Directions, \
                and they note that cultural and operational changes still need to be embedded.

                The Council will continue to deliver the agreed Best Value Plan, overseen by the Best Value \
                Programme Board, building on recent progress before March 2017.
                """,
            outcome: nil),
    ]

    /// The series' default texts: written for the demo, with the reference report's facts.
    static let seriesTexts: [(ReportSectionName, String)] = [
        (
            .introduction,
            """
            This report updates the Board on the Council’s Best Value Plan, which responds to the Secretary of \
            State’s Directions. It includes the Council’s {ordinal} {cadence} progress update submitted to \
            {addressee} on {dispatched-on} ({submission-annex}) and the response from {responder} \
            ({response-annex}).
            """
        ),
        (
            .recommendations,
            """
            Consider the Council’s submission to {addressee} ({submission-annex}) and the {responder-possessive} \
            response ({response-annex}).
            """
        ),
        (
            .finance,
            """
            Delivering the Best Value Action Plan is a Council priority, and the resources it needs have been \
            identified within the budget.
            """
        ),
        (
            .legal,
            """
            The Council is a best value authority under Part 1 of the Local Government Act 1999 and, by section 3 \
            of that Act, must make arrangements to secure continuous improvement in the way its functions are \
            exercised, having regard to economy, efficiency and effectiveness (the best value duty).

            Where the Secretary of State is satisfied that an authority is failing that duty, the Act allows him \
            to direct it to take action, or to direct that specified functions be exercised by him or his \
            nominee. Using that power, the Secretary of State gave the Council directions on 17 December 2014, \
            29 April 2015 and 6 May 2015.

            The Secretary of State may enforce the directions by seeking an order of the High Court, so it is \
            right that the Council acts on them and monitors its compliance.

            In acting on the directions the Council must have due regard to the public sector equality duty \
            under the Equality Act 2010, and has done so where relevant.
            """
        ),
    ]

    static func instant(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func date(_ text: String) -> CalendarDate {
        CalendarDate(iso: text)!
    }
}
