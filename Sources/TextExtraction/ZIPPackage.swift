import Foundation
import ZIPFoundation

/// Reads single entries of a ZIP package (a DOCX or ODT file), trusting nothing it says.
///
/// The archive is located from its central directory, every offset and size is checked
/// against the file before use, and an entry is inflated with a hard output limit: a "zip
/// bomb" — an entry that inflates to far more than it declares — is stopped as soon as it
/// passes its declared size, and an entry declaring more than the limit is refused unread.
///
/// The inflating itself is ZIPFoundation's (`Data.decompress`, zlib), but the archive is not
/// read through `ZIPFoundation.Archive`: in 0.9.20 `Archive.extract` on Linux loops forever,
/// at full CPU, on a deflate stream that does not end before the end of the file (its read
/// loop waits for `Z_STREAM_END` and skips empty reads; weichsel/ZIPFoundation#389). Here the
/// inflater is fed exactly the entry's compressed bytes and is stopped when they run out.
struct ZIPPackage {
    /// Where the archive's bytes are.
    enum Bytes {
        case file(FileInput)
        case memory([UInt8])

        var size: Int {
            switch self {
            case .file(let file): file.size
            case .memory(let bytes): bytes.count
            }
        }

        /// Up to `count` bytes from `offset`; fewer only at the end.
        func read(at offset: Int, count: Int) throws(NotExtracted) -> [UInt8] {
            switch self {
            case .file(let file):
                return try file.read(at: offset, count: count)
            case .memory(let bytes):
                let start = min(max(offset, 0), bytes.count)
                return Array(bytes[start..<min(start + max(count, 0), bytes.count)])
            }
        }
    }

    /// What the central directory says about one entry.
    private struct Entry {
        var flags: Int
        var method: Int
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    /// A central directory larger than this is refused (a DOCX's is a few kilobytes).
    static let maximumDirectorySize = 16 * 1024 * 1024

    private let bytes: Bytes
    /// "DOCX" or "ODT", for messages.
    private let label: String
    private let directory: [UInt8]
    private let entryCount: Int

    /// Finds the central directory of the archive in `bytes`.
    ///
    /// - Throws: `NotExtracted` if the bytes are not a ZIP archive or its directory does not
    ///   fit in the file.
    init(_ bytes: Bytes, label: String) throws(NotExtracted) {
        self.bytes = bytes
        self.label = label
        let end = try Self.endOfCentralDirectory(in: bytes, label: label)
        guard end.offset >= 0, end.size >= 0, end.size <= Self.maximumDirectorySize,
            end.offset <= bytes.size - end.size
        else {
            throw NotExtracted("\(label) is a damaged ZIP archive (its central directory is not inside the file)")
        }
        directory = try bytes.read(at: end.offset, count: end.size)
        entryCount = end.count
    }

    /// The bytes of the entry at `path` (the first, if the archive names it twice), or nil if
    /// there is none.
    ///
    /// - Parameter limit: entries declaring more uncompressed bytes than this are refused.
    /// - Throws: `NotExtracted` for an entry that is too large, encrypted, compressed with a
    ///   method other than deflate, damaged, or that inflates to more than it declares.
    func contents(of path: String, limit: Int) throws(NotExtracted) -> [UInt8]? {
        guard let entry = try entry(named: path) else { return nil }
        let name = "\(label) entry \(path)"
        guard entry.flags & 1 == 0 else { throw NotExtracted("\(name) is encrypted") }
        guard entry.uncompressedSize <= limit else {
            throw NotExtracted(
                "\(name) declares \(entry.uncompressedSize) bytes uncompressed, over the \(limit)-byte limit")
        }
        let header =
            entry.localHeaderOffset <= bytes.size - 30 ? try bytes.read(at: entry.localHeaderOffset, count: 30) : []
        guard header.count == 30, Self.uint32(header, 0) == 0x0403_4B50 else {
            throw NotExtracted("\(name) is damaged (no local file header where the directory points)")
        }
        let dataOffset = entry.localHeaderOffset + 30 + Self.uint16(header, 26) + Self.uint16(header, 28)
        guard entry.compressedSize <= bytes.size - dataOffset else {
            throw NotExtracted("\(name) is damaged (its data runs past the end of the file)")
        }
        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw NotExtracted("\(name) is damaged (stored, but its two sizes differ)")
            }
            data = try bytes.read(at: dataOffset, count: entry.uncompressedSize)
        case 8:
            data = try inflate(entry, at: dataOffset, name: name)
        default:
            throw NotExtracted("\(name) uses compression method \(entry.method), which is not supported")
        }
        guard data.count == entry.uncompressedSize else {
            throw NotExtracted(
                "\(name) is damaged (\(data.count) bytes, not the \(entry.uncompressedSize) it declares)")
        }
        guard Data(data).crc32(checksum: 0) == entry.crc32 else {
            throw NotExtracted("\(name) is damaged (its CRC-32 does not match)")
        }
        return data
    }

    // MARK: - Inflating

    /// Thrown into ZIPFoundation's inflate loop to stop it.
    private enum Stop: Error {
        case inputExhausted
        case outputOverLimit
    }

    /// Inflates the entry's compressed bytes, stopping as soon as the output passes the
    /// declared size (a zip bomb lies about it) or the input runs out before the stream ends.
    private func inflate(_ entry: Entry, at dataOffset: Int, name: String) throws(NotExtracted) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(entry.uncompressedSize)
        var delivered = 0
        var padded = false
        var readFailure: NotExtracted?
        do {
            _ = try Data.decompress(
                size: Int64(entry.compressedSize), bufferSize: 64 * 1024, skipCRC32: true,
                provider: { _, count in
                    // ZIPFoundation's Linux loop tells zlib every chunk is `count` bytes long
                    // and asks again until the stream ends: always hand over exactly `count`
                    // (zero-padded), and throw rather than hand over nothing.
                    let remaining = entry.compressedSize - delivered
                    guard remaining > 0 else { throw Stop.inputExhausted }
                    var chunk: [UInt8]
                    do throws(NotExtracted) {
                        chunk = try bytes.read(at: dataOffset + delivered, count: min(count, remaining))
                    } catch {
                        readFailure = error
                        throw error
                    }
                    guard !chunk.isEmpty else { throw Stop.inputExhausted }
                    delivered += chunk.count
                    if chunk.count < count {
                        chunk += [UInt8](repeating: 0, count: count - chunk.count)
                        padded = true
                    }
                    return Data(chunk)
                },
                consumer: { chunk in
                    guard chunk.count <= entry.uncompressedSize - output.count else { throw Stop.outputOverLimit }
                    output.append(contentsOf: chunk)
                })
        } catch {
            if let readFailure { throw readFailure }
            // Once padding has gone in, output past the limit may be zlib reading the padding
            // of a stream that was cut short: damaged, not necessarily a bomb.
            if let stop = error as? Stop, stop == .outputOverLimit, !padded {
                throw NotExtracted(
                    "\(name) inflates to more than the \(entry.uncompressedSize) bytes it declares (a zip bomb?); "
                        + "extraction stopped")
            }
            throw NotExtracted("\(name) is damaged (its compressed data is invalid or cut short)")
        }
        return output
    }

    // MARK: - The directory

    /// The first central-directory entry named `path`.
    private func entry(named path: String) throws(NotExtracted) -> Entry? {
        let wanted = Array(path.utf8)
        var offset = 0
        for _ in 0..<entryCount {
            guard offset <= directory.count - 46, Self.uint32(directory, offset) == 0x0201_4B50 else {
                throw NotExtracted("\(label) is a damaged ZIP archive (its central directory is cut short)")
            }
            let nameLength = Self.uint16(directory, offset + 28)
            let extraLength = Self.uint16(directory, offset + 30)
            let commentLength = Self.uint16(directory, offset + 32)
            let next = offset + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else {
                throw NotExtracted("\(label) is a damaged ZIP archive (its central directory is cut short)")
            }
            if directory[(offset + 46)..<(offset + 46 + nameLength)].elementsEqual(wanted) {
                let extra = directory[(offset + 46 + nameLength)..<(offset + 46 + nameLength + extraLength)]
                return try Self.entry(at: offset, in: directory, extra: Array(extra), label: label)
            }
            offset = next
        }
        return nil
    }

    /// The entry whose central-directory record starts at `offset`, with ZIP64 sizes applied.
    private static func entry(at offset: Int, in directory: [UInt8], extra: [UInt8], label: String)
        throws(NotExtracted) -> Entry
    {
        var entry = Entry(
            flags: uint16(directory, offset + 8), method: uint16(directory, offset + 10),
            crc32: UInt32(uint32(directory, offset + 16)), compressedSize: uint32(directory, offset + 20),
            uncompressedSize: uint32(directory, offset + 24), localHeaderOffset: uint32(directory, offset + 42))
        let saturated = 0xFFFF_FFFF
        guard
            entry.uncompressedSize == saturated || entry.compressedSize == saturated
                || entry.localHeaderOffset == saturated
        else { return entry }
        // ZIP64 extended information: the 64-bit values of the saturated fields, in this order.
        var field = 0
        while field <= extra.count - 4 {
            let id = uint16(extra, field)
            let length = uint16(extra, field + 2)
            guard id == 0x0001 else {
                field += 4 + length
                continue
            }
            var position = field + 4
            let end = min(position + length, extra.count)
            func next() throws(NotExtracted) -> Int {
                guard position <= end - 8 else {
                    throw NotExtracted("\(label) is a damaged ZIP archive (a ZIP64 field is cut short)")
                }
                defer { position += 8 }
                return try uint64(extra, position, label: label)
            }
            if entry.uncompressedSize == saturated { entry.uncompressedSize = try next() }
            if entry.compressedSize == saturated { entry.compressedSize = try next() }
            if entry.localHeaderOffset == saturated { entry.localHeaderOffset = try next() }
            return entry
        }
        throw NotExtracted("\(label) is a damaged ZIP archive (ZIP64 sizes are missing)")
    }

    /// Where the central directory is and how many entries it lists.
    private static func endOfCentralDirectory(in bytes: Bytes, label: String) throws(NotExtracted) -> (
        offset: Int, size: Int, count: Int
    ) {
        // The record is 22 bytes, followed by a comment of at most 65,535.
        let tailLength = min(bytes.size, 22 + 0xFFFF)
        let tailStart = bytes.size - tailLength
        let tail = try bytes.read(at: tailStart, count: tailLength)
        var candidate = tail.count - 22
        while candidate >= 0 {
            if uint32(tail, candidate) == 0x0605_4B50, candidate + 22 + uint16(tail, candidate + 20) <= tail.count {
                break
            }
            candidate -= 1
        }
        guard candidate >= 0 else { throw NotExtracted("\(label) is not a ZIP archive") }
        guard uint16(tail, candidate + 4) == 0, uint16(tail, candidate + 6) == 0 else {
            throw NotExtracted("\(label) is a multi-volume ZIP archive, which is not supported")
        }
        let count = uint16(tail, candidate + 10)
        let size = uint32(tail, candidate + 12)
        let offset = uint32(tail, candidate + 16)
        guard count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF else {
            return (offset, size, count)
        }
        // ZIP64: a locator just before the record points at the 64-bit record.
        let locatorOffset = tailStart + candidate - 20
        let locator = locatorOffset >= 0 ? try bytes.read(at: locatorOffset, count: 20) : []
        guard locator.count == 20, uint32(locator, 0) == 0x0706_4B50 else {
            throw NotExtracted("\(label) is a damaged ZIP archive (its ZIP64 locator is missing)")
        }
        let record = try bytes.read(at: try uint64(locator, 8, label: label), count: 56)
        guard record.count == 56, uint32(record, 0) == 0x0606_4B50 else {
            throw NotExtracted("\(label) is a damaged ZIP archive (its ZIP64 directory record is missing)")
        }
        return (
            try uint64(record, 48, label: label), try uint64(record, 40, label: label),
            try uint64(record, 32, label: label)
        )
    }

    // MARK: - Little-endian fields (callers check the bounds)

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> Int {
        Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> Int {
        uint16(bytes, offset) | uint16(bytes, offset + 2) << 16
    }

    /// A 64-bit field, refused if it does not fit an `Int` (no real file is that large).
    private static func uint64(_ bytes: [UInt8], _ offset: Int, label: String) throws(NotExtracted) -> Int {
        let high = uint32(bytes, offset + 4)
        guard high < 0x8000_0000 else {
            throw NotExtracted("\(label) is a damaged ZIP archive (a ZIP64 size is impossibly large)")
        }
        return high << 32 | uint32(bytes, offset)
    }
}
