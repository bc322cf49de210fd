import Foundation

/// A Maildir (https://cr.yp.to/proto/maildir.html): a directory whose `new` and `cur`
/// subdirectories hold one message per file, and whose `tmp` holds deliveries in progress.
public struct Maildir: Sendable, Hashable {
    /// One delivered message's file.
    public struct MessageFile: Sendable, Hashable {
        /// The file name: a unique name, with `:2,` and flags after it once read (in `cur`).
        public var name: String
        /// The file's full path.
        public var path: String
        /// Whether the message is in `new` (not yet seen by a mail reader) rather than `cur`.
        public var isNew: Bool
    }

    /// Why a directory cannot be read as a Maildir.
    public enum Error: Swift.Error, CustomStringConvertible, Sendable, Hashable {
        /// The directory lacks one of `cur`, `new` and `tmp` (the path, and what is missing).
        case notAMaildir(path: String, missing: [String])
        /// A subdirectory cannot be listed (its path, and the system's reason).
        case unreadable(path: String, reason: String)

        /// The error in words, naming the file and the offset or what is missing.

        /// The error in words, naming the directory and what is missing or why.
        public var description: String {
            switch self {
            case .notAMaildir(let path, let missing):
                "\(path) is not a Maildir: it lacks \(missing.joined(separator: ", ")) (a Maildir has cur, new and tmp)"
            case .unreadable(let path, let reason): "\(path) cannot be listed: \(reason)"
            }
        }
    }

    /// The Maildir's directory.
    public let path: String

    /// A Maildir at `path`.
    ///
    /// - Throws: `Maildir.Error.notAMaildir` unless `cur`, `new` and `tmp` are all directories.
    public init(path: String) throws {
        let missing = ["cur", "new", "tmp"].filter { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(
                atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isDirectory)
            return !(exists && isDirectory.boolValue)
        }
        guard missing.isEmpty else { throw Error.notAMaildir(path: path, missing: missing) }
        self.path = path
    }

    /// The delivered messages, in `new` and `cur`, sorted by file name (Maildir names start
    /// with the delivery time, so this is about delivery order). `tmp` is skipped, as its
    /// files may be half written, and so are dot files and anything that is not a regular file.
    ///
    /// - Throws: `Maildir.Error.unreadable` if `new` or `cur` cannot be listed.
    public func messageFiles() throws -> [MessageFile] {
        var files: [MessageFile] = []
        for (folder, isNew) in [("new", true), ("cur", false)] {
            let directory = (path as NSString).appendingPathComponent(folder)
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw Error.unreadable(path: directory, reason: error.localizedDescription)
            }
            for name in names where !name.hasPrefix(".") {
                let file = (directory as NSString).appendingPathComponent(name)
                let type = try? FileManager.default.attributesOfItem(atPath: file)[.type] as? FileAttributeType
                guard type == .typeRegular else { continue }
                files.append(MessageFile(name: name, path: file, isNew: isNew))
            }
        }
        // Byte order, not locale order: the same on every machine.
        return files.sorted { first, second in
            if first.name != second.name { return first.name.utf8.lexicographicallyPrecedes(second.name.utf8) }
            return first.isNew && !second.isNew
        }
    }
}
