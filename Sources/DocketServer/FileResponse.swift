import DocketKit
import Foundation
import HTTPTypes
import Hummingbird

/// An open file whose descriptor closes when the last reference goes (also when a response
/// body is never written, e.g. the client went away first).
final class OpenFile: Sendable {
    let descriptor: Int32
    let size: Int

    /// Opens `path` for reading.
    ///
    /// - Parameter unlinking: remove the path at once (a temporary file): the content stays
    ///   readable through the descriptor and disappears with it, whatever happens next.
    init(_ path: String, unlinking: Bool = false) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WebError.notFound("the file could not be opened") }
        if unlinking { unlink(path) }
        var status = stat()
        size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Up to `count` bytes from `offset` (fewer at the end; none past it).
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        while true {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            if got >= 0 { return Array(bytes.prefix(got)) }
            guard errno == EINTR else {
                throw WebError(
                    status: .internalServerError, code: "archive-error",
                    message: "the file could not be read: \(String(cString: strerror(errno)))")
            }
        }
    }

    deinit {
        close(descriptor)
    }
}

extension DocketWebApp {
    /// How much of a file is read per write to the client: memory per download stays at this,
    /// whatever the file's size.
    static let streamChunk = 256 * 1024

    /// A response that streams a file in chunks (read off the event loop) instead of holding
    /// it in memory: a pack of annexes or a 200 MB document costs the server 256 KiB per download.
    static func streamed(
        _ file: OpenFile, type: String, fileName: String? = nil, inline: Bool = false
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "private, no-store"
        if let fileName {
            headers[.contentDisposition] = "\(inline ? "inline" : "attachment"); filename=\"\(fileName)\""
        }
        let body = ResponseBody(contentLength: file.size) { writer in
            var offset = 0
            while offset < file.size {
                let from = offset
                let chunk = try await blocking { try file.read(at: from, count: streamChunk) }
                guard !chunk.isEmpty else { break }  // the file shrank: send what there was
                try await writer.write(ByteBuffer(bytes: chunk))
                offset += chunk.count
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// An archived document's content for `user`, for the pages and the API alike: refused as
    /// the library refuses it (withheld 403, destroyed 410), streamed, and sandboxed so that no
    /// script in an HTML document runs. Only formats a browser shows safely are shown inline.
    static func documentContent(
        _ docket: DocketArchive, reference: String, sha256: String, for user: String, from address: String?,
        inline: Bool = false
    ) async throws -> Response {
        let (metadata, file) = try await blocking { [docket] in
            let (metadata, path) = try docket.document(reference, sha256: sha256, for: user, from: address)
            guard let file = try? OpenFile(path) else { throw WebError.notFound("the document's file is missing") }
            return (metadata, file)
        }
        let previewable = ["application/pdf", "text/plain"].contains(metadata.format)
        var response = streamed(
            file, type: previewable || !inline ? metadata.format : "application/octet-stream",
            fileName: DocketArchive.safeFileName(metadata.originalFileName), inline: inline && previewable)
        response.headers[HTTPField.Name("Content-Security-Policy")!] = "sandbox; default-src 'none'"
        return response
    }
}
