import Foundation
import XML

/// What the numbers were measured on, printed with every result.
struct Machine {
    var cpuModel: String
    var cores: Int
    var libxml2: String
    var xmllintLibxml2: String
    var swift: String
    var kernel: String
    var loadAverage: String
    var date: String

    static func current(xmllint: String) -> Machine {
        Machine(
            cpuModel: cpuModel(),
            cores: ProcessInfo.processInfo.activeProcessorCount,
            libxml2: XMLLibrary.runtimeVersion,
            xmllintLibxml2: xmllintVersion(xmllint),
            swift: swiftVersion(),
            kernel: kernel(),
            loadAverage: loadAverage(),
            date: ISO8601DateFormatter().string(from: Date())
        )
    }

    /// One line for logs and BENCHMARKS.md.
    var line: String {
        "machine: \(cpuModel), \(cores) cores, Linux \(kernel), libxml2 \(libxml2) (xmllint: \(xmllintLibxml2)), "
            + "Swift \(swift), \(Self.build) build, load average \(loadAverage), \(date)"
    }

    /// How this program was compiled: figures count only from a release build.
    static var build: String {
        #if DEBUG
            "debug (figures not comparable)"
        #else
            "release"
        #endif
    }

    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown CPU"
    }

    /// Ticks of all CPUs from /proc/stat: (total, steal), to tell how much of the measured time
    /// the hypervisor gave to other guests.
    static func cpuTicks() -> (total: Int, steal: Int) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let first = text.split(separator: "\n").first, first.hasPrefix("cpu ")
        else { return (0, 0) }
        let fields = first.split(separator: " ").dropFirst().compactMap { Int($0) }
        return (fields.reduce(0, +), fields.count > 7 ? fields[7] : 0)
    }

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func kernel() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// "2.9.14" from `xmllint --version` ("xmllint: using libxml version 20914").
    static func xmllintVersion(_ xmllint: String) -> String {
        guard let output = capture(xmllint, ["--version"]),
            let range = output.range(of: "libxml version ")
        else { return "unknown" }
        let digits = output[range.upperBound...].prefix { $0.isNumber }
        guard let number = Int(digits) else { return String(digits) }
        return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }

    /// The version of the `swift` on PATH (normally the compiler that built this binary).
    static func swiftVersion() -> String {
        guard let output = capture("/usr/bin/env", ["swift", "--version"]),
            let range = output.range(of: "Swift version ")
        else { return "unknown" }
        return String(output[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// Standard output and error of a short command, or nil if it could not be run.
    private static func capture(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Machine {
    /// The release-built `docket` beside this benchmark program, which the process-level
    /// measurements run.
    static func docketBesideThisProgram() throws -> String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("docket").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("build the docket product beside docket-bench first (\(path))")
        }
        return path
    }
}
