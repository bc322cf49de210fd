import Archive
import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The Retention page: records due for disposal by class and action, the holds, the disposal
/// lists with the step each awaits (propose, approve, dispose), and each list's certificate.
/// Every rule — who may do what, holds, the second approver — is DocketKit's; a refusal comes
/// back as the library's error (409 for a hold, 403 for the proposer approving).
struct RetentionController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("retention", use: page)
            .post("retention/holds", use: placeHold)
            .post("retention/holds/:hold/release", use: releaseHold)
            .post("retention/lists", use: propose)
            .post("retention/lists/:list/approval", use: approve)
            .post("retention/lists/:list/disposal", use: dispose)
            .post("retention/lists/:list/cancellation", use: cancel)
            .get("retention/certificates/:list", use: certificate)
    }

    // MARK: - Handlers

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let model = try await blocking { [docket] in
            let review = try docket.retentionReview(as: user, from: address)
            return RetentionPageModel(review, permissions: try docket.permissions(for: user), user: user)
        }
        let flash = request.uri.queryParameters.get("done").flatMap(Self.confirmation)
        return pages.render(
            "retention",
            SimplePage(chrome: await Chrome("Retention", context, docket: docket, flash: flash), model: model))
    }

    @Sendable func placeHold(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let references = (form["submissions"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .map(String.init)
        let hold = try await blocking { [docket] in
            try docket.placeHold(reason: form["reason"] ?? "", on: references, as: user)
        }
        return DocketWebApp.redirect("/retention?done=hold-\(hold.id)")
    }

    @Sendable func releaseHold(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let hold = try context.parameters.require("hold")
        try await blocking { [docket] in try docket.releaseHold(hold, reason: form["reason"] ?? "", as: user) }
        return DocketWebApp.redirect("/retention?done=released-\(hold)")
    }

    @Sendable func propose(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        guard let action = DisposalAction(rawValue: form["action"] ?? "") else {
            throw WebError.badRequest("choose what the list does: destroy or transfer")
        }
        let classes = form.values["class"] ?? []
        let list = try await blocking { [docket] in
            try docket.proposeDisposal(action, classes: classes, comment: form.text("comment"), as: user)
        }
        return DocketWebApp.redirect("/retention?done=proposed-\(list.id)#list-\(list.id)")
    }

    @Sendable func approve(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let list = try context.parameters.require("list")
        try await blocking { [docket] in
            try docket.approveDisposal(list, service: form["service"] ?? "", comment: form.text("comment"), as: user)
        }
        return DocketWebApp.redirect("/retention?done=approved-\(list)#list-\(list)")
    }

    @Sendable func dispose(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let list = try context.parameters.require("list")
        // A transfer writes bags to a place on the server's disks: that is the command line's
        // (docket retention dispose LIST --to DIR), never a web form's.
        try await blocking { [docket] in try docket.carryOutDisposal(list, as: user) }
        return DocketWebApp.redirect("/retention/certificates/\(list)")
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let list = try context.parameters.require("list")
        try await blocking { [docket] in try docket.cancelDisposal(list, reason: form["reason"] ?? "", as: user) }
        return DocketWebApp.redirect("/retention?done=cancelled-\(list)")
    }

    @Sendable func certificate(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let list = try context.parameters.require("list")
        let model = try await blocking { [docket] in
            CertificatePageModel(try docket.disposalCertificate(list, as: user))
        }
        return pages.render(
            "certificate",
            SimplePage(chrome: await Chrome("Certificate \(list)", context, docket: docket), model: model))
    }

    /// What the page confirms after a step, said from the step's name, never echoed raw.
    static func confirmation(_ done: String) -> String? {
        let parts = done.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, ArchiveStore.isSafeName(parts[1]) else { return nil }
        switch parts[0] {
        case "hold": return "Hold \(parts[1]) placed: its records can be neither destroyed nor transferred."
        case "released": return "Hold \(parts[1]) released."
        case "proposed": return "Disposal list \(parts[1]) proposed: it needs a second person's approval."
        case "approved": return "Disposal list \(parts[1]) approved: a records manager may now carry it out."
        case "cancelled": return "Disposal list \(parts[1]) cancelled."
        default: return nil
        }
    }
}

/// The Retention page.
struct RetentionPageModel: Sendable {
    struct DueRow: Sendable {
        var due: String
        var reference: String
        var kind: String
        var title: String
        var status: String
        var held: Bool
    }

    /// The due records of one class.
    struct ClassGroup: Sendable {
        var id: String
        var action: String
        var description: String
        var authority: String
        var rows: [DueRow]
        var count: Int
    }

    struct HoldRow: Sendable {
        var id: String
        var reason: String
        var submissions: String
        var placed: String
        var inForce: Bool
        var released: String?
    }

    struct ListRow: Sendable {
        var id: String
        var action: String
        var status: String
        var count: Int
        var proposed: String
        var comment: String?
        var approved: String?
        var records: [String]
        var awaitsApproval: Bool
        var mayApprove: Bool
        var mayDispose: Bool
        var isTransfer: Bool
        var mayCancel: Bool
        var carriedOut: Bool
    }

    var asOf: String
    var scheduleTitle: String
    var groups: [ClassGroup]
    var nothingDue: Bool
    var unclassified: Int
    var holds: [HoldRow]
    var lists: [ListRow]
    var mayPropose: Bool
    var mayPlaceHolds: Bool

    init(_ review: RetentionReview, permissions: Permissions, user: String) {
        asOf = Wording.longDate(review.asOf)
        scheduleTitle = review.scheduleTitle ?? ""
        var groups: [ClassGroup] = []
        for record in review.due {
            let row = DueRow(
                due: record.due.description, reference: record.submission, kind: record.kind.rawValue,
                title: record.title,
                status: record.hold.map { "Held (\($0.id)): \($0.reason)" } ?? record.list.map { "On list \($0)" }
                    ?? "Due",
                held: record.hold != nil)
            if let index = groups.firstIndex(where: { $0.id == record.retentionClass.id }) {
                groups[index].rows.append(row)
                groups[index].count += 1
            } else {
                groups.append(
                    ClassGroup(
                        id: record.retentionClass.id, action: record.retentionClass.action.rawValue,
                        description: record.retentionClass.description, authority: record.retentionClass.authority,
                        rows: [row], count: 1))
            }
        }
        self.groups = groups.sorted { ($0.action, $0.id) < ($1.action, $1.id) }
        nothingDue = review.due.isEmpty
        unclassified = review.unclassified
        holds = review.ledger.holds.reversed().map { hold in
            HoldRow(
                id: hold.id, reason: hold.reason, submissions: hold.submissions.joined(separator: ", "),
                placed: "\(hold.placedBy), \(Wording.londonTime(hold.placedAt))", inForce: hold.isInForce,
                released: hold.releasedAt.map {
                    "released by \(hold.releasedBy ?? "") on \(Wording.londonTime($0)): \(hold.releaseReason ?? "")"
                })
        }
        lists = review.ledger.lists.reversed().map { list in
            let open = list.status == .proposed || list.status == .approved
            return ListRow(
                id: list.id, action: list.action.rawValue, status: list.status.rawValue, count: list.records.count,
                proposed: "\(list.proposedBy.user), \(Wording.londonTime(list.proposedAt))", comment: list.comment,
                approved: list.approvedBy.map {
                    "\($0.user) for \(list.approvedForService ?? ""), \(Wording.londonTime(list.approvedAt!))"
                },
                records: list.records.map {
                    "\($0.submission) \($0.sha256.prefix(12)) (\($0.retentionClass), due \($0.due))"
                },
                awaitsApproval: list.status == .proposed,
                mayApprove: list.status == .proposed && permissions.mayApproveDisposal && list.proposedBy.user != user,
                mayDispose: list.status == .approved && permissions.mayProposeDisposal && list.action == .destroy,
                isTransfer: list.action == .transfer, mayCancel: open && permissions.mayPlaceHolds,
                carriedOut: list.status == .carriedOut)
        }
        mayPropose = permissions.mayProposeDisposal
        mayPlaceHolds = permissions.mayPlaceHolds
    }
}

/// A list's certificate, as a page.
struct CertificatePageModel: Sendable {
    struct Row: Sendable {
        var reference: String
        var kind: String
        var title: String
        var sha256: String
        var path: String
        var retentionClass: String
        var due: String
        var authority: String
    }

    var list: String
    var action: String
    var proposed: String
    var approved: String
    var carriedOut: String
    var transferredTo: String?
    var rows: [Row]

    init(_ certificate: DisposalCertificate) {
        list = certificate.list
        action = certificate.action == .destroy ? "Certificate of destruction" : "Record of transfer"
        proposed = "\(certificate.proposed.actor.user), \(Wording.londonTime(certificate.proposed.at))"
        approved =
            "\(certificate.approved.actor.user) for \(certificate.approvedForService), "
            + Wording.londonTime(certificate.approved.at)
        carriedOut = "\(certificate.carriedOut.actor.user), \(Wording.londonTime(certificate.carriedOut.at))"
        transferredTo = certificate.transfer.map { "\($0.office), \($0.location)" }
        rows = certificate.records.map {
            Row(
                reference: $0.submission, kind: $0.kind.rawValue, title: $0.title, sha256: $0.sha256, path: $0.path,
                retentionClass: $0.retentionClass, due: $0.due.description, authority: $0.authority)
        }
    }
}
