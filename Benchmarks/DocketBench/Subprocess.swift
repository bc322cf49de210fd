#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A command line prepared once (C strings allocated up front) and run many times with
/// `posix_spawn`, its standard output and error sent to /dev/null, so the timed part is the
/// child's own work plus process creation — not building argument arrays or pumping pipes.
final class PreparedCommand {
    let executable: String
    let argumentCount: Int
    private var argv: [UnsafeMutablePointer<CChar>?]
    private var envp: [UnsafeMutablePointer<CChar>?]

    init(executable: String, arguments: [String], environment: [String: String]) {
        self.executable = executable
        argumentCount = arguments.count
        argv = ([executable] + arguments).map { strdup($0) } + [nil]
        envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }

    deinit {
        for pointer in argv { free(pointer) }
        for pointer in envp { free(pointer) }
    }

    /// Runs the command to completion and returns its exit status (or 128 + signal number).
    func run() throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        guard status == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 {
            guard errno == EINTR else { throw BenchError("waitpid failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = waitStatus & 0x7F
        return signal == 0 ? (waitStatus >> 8) & 0xFF : 128 + signal
    }
}

/// Splits `files` into batches whose argument lists stay well under the system's limit
/// (half of ARG_MAX, which argv and the environment share; each string costs its bytes, its NUL
/// and its pointer).
func argumentBatches(_ files: [String], fixedArguments: [String], environmentSize: Int) -> [[String]] {
    let argMax = max(Int(sysconf(Int32(_SC_ARG_MAX))), 131_072)
    let budget = argMax / 2
    let fixedCost =
        fixedArguments.reduce(0) { $0 + $1.utf8.count + 1 + MemoryLayout<Int>.size } + environmentSize + 4_096
    var batches: [[String]] = []
    var current: [String] = []
    var used = fixedCost
    for file in files {
        let cost = file.utf8.count + 1 + MemoryLayout<Int>.size
        if !current.isEmpty && used + cost > budget {
            batches.append(current)
            current = []
            used = fixedCost
        }
        current.append(file)
        used += cost
    }
    if !current.isEmpty { batches.append(current) }
    return batches
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
