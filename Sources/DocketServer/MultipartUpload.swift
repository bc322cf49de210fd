import Archive
import DocketKit
import Foundation
import Hummingbird
import MultipartKit
import Workflow

/// A `multipart/form-data` upload: the text fields and the one file it carries.
struct MultipartUpload: Sendable {
    struct File: Sendable {
        var fileName: String
        var bytes: [UInt8]
    }

    var fields: [String: String]
    var file: File?

    /// Reads an upload, refusing a body over `limit` bytes with 413 before any of it is
    /// archived, and a body that is not multipart with 400.
    static func read(_ request: Request, limit: Int) async throws -> MultipartUpload {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
            let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({
                    String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }),
            !boundary.isEmpty
        else {
            throw WebError.badRequest("send the document as multipart/form-data")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(Wording.overSizeLimit("The upload", bytes: length, limit: limit))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw tooLarge("The upload is over the \(Wording.megabytes(limit)) limit")
        }
        return try parse(body, boundary: boundary)
    }

    /// An upload refused for its size, said for people: the file has to be chosen again, and a
    /// smaller one.
    static func tooLarge(_ reason: String) -> WebError {
        WebError(
            status: .contentTooLarge, code: "too-large",
            message: "\(reason). Choose a smaller file, or split it into annexes.")
    }

    static func parse(_ body: ByteBuffer, boundary: String) throws -> MultipartUpload {
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var data: [UInt8] = []
        var upload = MultipartUpload(fields: [:], file: nil)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in data += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            let name = Self.parameter("name", in: disposition)
            if let fileName = Self.parameter("filename", in: disposition) {
                if !fileName.isEmpty { upload.file = File(fileName: fileName, bytes: data) }
            } else if let name {
                upload.fields[name] = LineEndings.normalised(String(decoding: data, as: UTF8.self))
            }
            headers = [:]
            data = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw WebError.badRequest("the upload is not valid multipart/form-data")
        }
        return upload
    }

    /// `name="value"` from a Content-Disposition header.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("\(name)=") else { continue }
            var value = String(pair.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }
}

extension DocketArchive {
    /// Archives an uploaded document as described by its form.
    func addDocument(
        to reference: String, upload: MultipartUpload, as user: String, expectedSequence: Int?
    ) throws -> DocumentMetadata {
        guard let file = upload.file else { throw WebError.badRequest("choose a file to upload") }
        guard let kind = upload.fields["kind"].flatMap(DocumentKind.init(rawValue:)) else {
            throw WebError.badRequest("choose the document's kind")
        }
        let date = try upload.fields["date"].flatMap { text -> CalendarDate? in
            guard !text.isEmpty else { return nil }
            guard let date = CalendarDate(iso: text) else { throw WebError.badRequest("the date must be YYYY-MM-DD") }
            return date
        }
        let title = (upload.fields["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let annex = (upload.fields["annex"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // The document this one supersedes (the library checks it is in the pack).
        let replaces = (upload.fields["replaces"] ?? "").trimmingCharacters(in: .whitespaces)
        var relations = replaces.isEmpty ? [] : [Relation(kind: .replaces, target: replaces)]
        let relationKind = upload.fields["relation-kind"] ?? ""
        let relationTarget = upload.fields["relation-target"] ?? ""
        switch (relationKind.isEmpty, relationTarget.isEmpty) {
        case (true, true):
            break
        case (false, false):
            guard let kind = Relation.Kind(rawValue: relationKind), kind != .replaces else {
                throw WebError.badRequest("the relation must be annex-of, reply-to or version-of")
            }
            relations.append(Relation(kind: kind, target: relationTarget))
        default:
            throw WebError(
                status: .unprocessableContent, code: "invalid-input",
                message: "a relation needs both what it is (e.g. reply to) and the document it relates to")
        }
        return try addDocument(
            to: reference, content: file.bytes,
            description: DocumentDescription(
                kind: kind, title: title.isEmpty ? file.fileName : title, originalFileName: file.fileName, date: date,
                creator: upload.fields["from"].flatMap { Party(parsing: $0) },
                addressees: upload.fields["to"].flatMap { Party(parsing: $0) }.map { [$0] } ?? [],
                annex: annex.isEmpty ? nil : annex,
                relations: relations),
            as: user, expectedSequence: expectedSequence)
    }
}
