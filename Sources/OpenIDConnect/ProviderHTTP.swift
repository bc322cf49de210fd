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
        let session = URLSession(configuration: Self.sessionConfiguration(timeout: timeout))
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .provider(
                "\(what) could not be fetched from \(request.url?.absoluteString ?? "?"): \(error.localizedDescription)"
            )
        }
        guard let http = response as? HTTPURLResponse else { throw .provider("\(what) did not answer over HTTP") }
        guard data.count <= maximumBytes else { throw .provider("\(what) answered more than \(maximumBytes) bytes") }
        return (http.statusCode, data)
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
