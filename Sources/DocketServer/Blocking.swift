import DocketKit
import Foundation

/// Runs archive work (file reads, fsyncs, SQLite) off the cooperative thread pool, so that a
/// slow disk never stalls the server's event handling, and turns a use case's refusal into the
/// HTTP answer for it.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                continuation.resume(returning: try body())
            } catch let error as DocketError {
                continuation.resume(throwing: WebError(error))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
