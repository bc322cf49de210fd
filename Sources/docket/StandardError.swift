import Foundation

/// `print(..., to: &standardError)` for messages that are not the command's output.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
