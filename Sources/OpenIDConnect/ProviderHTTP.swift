import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The provider's endpoints over HTTP, through Foundation's `URLSession`: every request has a
/// time limit and every answer a size limit, so a slow or hostile provider cannot hold a
/// sign-in (or the server's memory) for long.
struct ProviderHTTP: Sendable {
    /// Longest wait for one answer.
    var timeout: TimeInterval = 10
    /// Largest answer accepted: discovery documents, key sets and token answers are a few KiB.
    var maximumBytes = 1024 * 1024

    /// GETs a JSON document and decodes it.
    func getJSON<T: Decodable>(_ url: URL, as type: T.Type, what: String) async throws(OIDCError) -> T {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (status, data) = try await send(request, what: what)
        guard status == 200 else { throw .provider("\(what) answered HTTP \(status)") }
        return try decode(data, as: type, what: what)
    }

    /// POSTs a form (`application/x-www-form-urlencoded`) and returns the status and body.
    func postForm(_ url: URL, fields: [(String, String)], headers: [String: String], what: String)
        async throws(OIDCError) -> (status: Int, body: Data)
    {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(
            fields.map { "\(Self.formEncode($0))=\(Self.formEncode($1))" }.joined(separator: "&").utf8)
        return try await send(request, what: what)
    }

    func decode<T: Decodable>(_ data: Data, as type: T.Type, what: String) throws(OIDCError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .provider("\(what) is not the JSON expected")
        }
    }

    private func send(_ request: URLRequest, what: String) async throws(OIDCError) -> (Int, Data) {
        let download = LimitedDownload(limit: maximumBytes)
        let session = URLSession(
            configuration: Self.sessionConfiguration(timeout: timeout), delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        do {
            return try await download.run(session.dataTask(with: request))
        } catch LimitedDownload.TooLarge.answer {
            throw .provider("\(what) answered more than \(maximumBytes) bytes")
        } catch {
            throw .provider(
                "\(what) could not be fetched from \(request.url?.absoluteString ?? "?"): \(error.localizedDescription)"
            )
        }
    }

    private static func sessionConfiguration(timeout: TimeInterval) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        // The provider's answers are never cached: a rotated key set must be seen at once.
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        return configuration
    }

    /// Percent-encodes a form field (RFC 6749 appendix B: everything but unreserved characters).
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// One answer read into memory up to a limit: the transfer is given up as soon as the body
/// (or the length it announces) passes it, rather than checked once it has all arrived.
private final class LimitedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum TooLarge: Error { case answer }

    private let limit: Int
    // The session calls the delegate on its own queue; the lock makes the state safe to share.
    private let lock = NSLock()
    private var body = Data()
    private var status = 0
    private var continuation: CheckedContinuation<(Int, Data), any Error>?

    init(limit: Int) {
        self.limit = limit
    }

    func run(_ task: URLSessionDataTask) async throws -> (Int, Data) {
        try await withCheckedThrowingContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            task.resume()
        }
    }

    /// Resumes the waiting caller once; later calls (the cancelled task completing) do nothing.
    /// The answer does not wait for the cancelled transfer to wind down.
    private func finish(_ result: Result<(Int, Data), any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if response.expectedContentLength > Int64(limit) {
            finish(.failure(TooLarge.answer))
            completionHandler(.cancel)
            return
        }
        lock.withLock { status = (response as? HTTPURLResponse)?.statusCode ?? 0 }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock {
            body.append(data)
            return body.count > limit
        }
        if over {
            finish(.failure(TooLarge.answer))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error {
            finish(.failure(error))
        } else {
            finish(lock.withLock { .success((status, body)) })
        }
    }
}
