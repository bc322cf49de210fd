import Foundation
import Synchronization

/// Progress of a long operation on standard error: a bar redrawn in place when standard error
/// is a terminal, otherwise plain lines — one per phase and per tenth — that logs can keep.
final class ProgressDisplay: Sendable {
    private struct State {
        var phase = ""
        var lastTenth = -1
        var drawn = false
    }

    private let interactive: Bool
    private let state = Mutex(State())

    init(interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.interactive = interactive
    }

    /// Shows `done` of `total` for `phase` (e.g. "reading submissions").
    func update(_ phase: String, _ done: Int, _ total: Int) {
        guard total > 0 else { return }
        let line: String? = state.withLock { state in
            let tenth = done * 10 / total
            if interactive {
                let width = 30
                let filled = done * width / total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                state.drawn = done < total
                let end = done >= total ? "\n" : ""
                if state.phase == phase, done >= total, state.lastTenth == 10 { return nil }
                state.phase = phase
                state.lastTenth = tenth
                return "\r\(phase) [\(bar)] \(done)/\(total)\(end)"
            }
            guard phase != state.phase || tenth > state.lastTenth else { return nil }
            state.phase = phase
            state.lastTenth = tenth
            return "\(phase): \(done)/\(total)\n"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Ends a bar left unfinished (an error part-way), so the next message starts on its own line.
    func finish() {
        let drawn = state.withLock { state in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
