import DocketKit
import Foundation
import Logging
import ServiceLifecycle

/// The notify pass, run by the web app every `interval` (`docket serve --notify-every`), as a
/// service beside the HTTP server.
///
/// A failing pass is logged and the next one runs on time: mail must never take the web app
/// down. Running beside cron's `docket notify` is safe (the outbox's lock serialises passes).
struct NotifyService: Service {
    let docket: DocketArchive
    let schedule: MailSchedule
    let logger: Logger

    func run() async throws {
        // At shutdown the wait is cancelled; a pass under way (off the cooperative pool) ends
        // first, so its outbox records are complete.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await pass()
                try await Task.sleep(for: schedule.interval)
            }
        }
    }

    /// One pass, its outcome logged.
    func pass() async {
        do {
            let report = try await blocking { [docket, schedule] in try docket.notify(setup: schedule.setup) }
            for id in report.handedOver { logger.info("mail handed over", metadata: ["message": "\(id)"]) }
            for failure in report.failed {
                logger.warning(
                    "mail refused by the MTA",
                    metadata: [
                        "message": "\(failure.messageID)", "reason": "\(failure.reason)",
                        "retry": "\(failure.willRetry)",
                    ])
            }
        } catch {
            logger.error("the notify pass failed", metadata: ["error": "\(error)"])
        }
    }
}
