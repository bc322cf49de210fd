import Archive
import Foundation
import Workflow

extension RetentionSchedule {
    /// The class covering a document of a submission: the rule naming most of series, workflow
    /// and kind that all match wins (the first in the file among equals). Nil: no rule covers it.
    public func retentionClass(series: String?, workflow: String, kind: DocumentKind) -> RetentionClass? {
        var best: (rule: RetentionRule, specificity: Int)?
        for rule in rules {
            if let wanted = rule.series, wanted != series { continue }
            if let wanted = rule.workflow, wanted != workflow { continue }
            if let wanted = rule.kind, wanted != kind { continue }
            let specificity = [rule.series != nil, rule.workflow != nil, rule.kind != nil].count(where: { $0 })
            if best == nil || specificity > best!.specificity { best = (rule, specificity) }
        }
        guard let rule = best?.rule else { return nil }
        return classes.first { $0.id == rule.retentionClass }
    }

    /// The class with this id.
    public func retentionClass(id: String) -> RetentionClass? {
        classes.first { $0.id == id }
    }

    /// What the schema cannot say and Docket requires: every class but keep-permanently has a
    /// period, and a keep-permanently class has none.
    ///
    /// - Throws: `.invalidInput` naming the first class that breaks the rule.
    func checkPeriods() throws(DocketError) {
        for entry in classes {
            if entry.action == .keepPermanently, entry.period != nil {
                throw .invalidInput("class \(entry.id) keeps its records permanently: it takes no period")
            }
            if entry.action != .keepPermanently, entry.period == nil {
                throw .invalidInput(
                    "class \(entry.id) needs a period (e.g. P6Y) before it can \(entry.action.rawValue) its records")
            }
        }
    }
}

extension RetentionSchedule {
    /// Refuses two rules that could both cover one record, name as many of series, workflow and
    /// kind as each other, and map to different classes: which one wins would be an accident of
    /// their order. (Making one of them more specific settles it.)
    func checkRules() throws(DocketError) {
        func specificity(_ rule: RetentionRule) -> Int {
            [rule.series != nil, rule.workflow != nil, rule.kind != nil].count(where: { $0 })
        }
        func overlap<Value: Equatable>(_ first: Value?, _ second: Value?) -> Bool {
            first == nil || second == nil || first == second
        }
        for (index, first) in rules.enumerated() {
            for second in rules.dropFirst(index + 1)
            where first.retentionClass != second.retentionClass && specificity(first) == specificity(second)
                && overlap(first.series, second.series) && overlap(first.workflow, second.workflow)
                && overlap(first.kind, second.kind)
            {
                throw .invalidInput(
                    "two rules can both cover the same record with neither more specific: \(Self.describe(first)) "
                        + "and \(Self.describe(second)); name a series, workflow or kind to settle which applies")
            }
        }
    }

    static func describe(_ rule: RetentionRule) -> String {
        let parts = [
            rule.series.map { "series \($0)" }, rule.workflow.map { "workflow \($0)" },
            rule.kind.map { "kind \($0.rawValue)" },
        ].compactMap { $0 }
        return "(\(parts.joined(separator: ", ")) → \(rule.retentionClass))"
    }
}

extension RetentionPeriod {
    /// The day the period runs out, counted from `start`: years and months first (the 29th of
    /// February plus a year is the 28th), then days.
    public func after(_ start: CalendarDate) -> CalendarDate {
        let totalMonths = start.year * 12 + (start.month - 1) + years * 12 + months
        let year = totalMonths / 12
        let month = totalMonths % 12 + 1
        var day = start.day
        while CalendarDate(year: year, month: month, day: day) == nil { day -= 1 }
        return CalendarDate(year: year, month: month, day: day)!.adding(days: days)
    }
}

/// Reads a retention schedule from CSV (RFC 4180), one class per row, so that a council can
/// keep its schedule in a spreadsheet.
///
/// Columns, by header name (any order; `id`, `description`, `trigger`, `action` and `authority`
/// required): `id, description, trigger, period, action, authority, source, series, workflow,
/// kinds`. `kinds` lists document kinds separated by `;` or spaces; each of `series`,
/// `workflow` and every kind makes a rule mapping those records to the class (a row with a
/// series and kinds maps each kind within the series). A `source` row — `trigger` column
/// `source` — names a work cited: its `id`, its citation in `description`, a link in
/// `authority`. The title is the file's name unless given.
public enum RetentionScheduleCSV {
    /// - Throws: `.invalidInput` naming the line and column of the first problem.
    public static func parse(_ text: String, title: String) throws(DocketError) -> RetentionSchedule {
        // Spreadsheets save UTF-8 CSV with a byte order mark before the header.
        let rows = try CSVRows.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = rows.first else { throw .invalidInput("the CSV file is empty") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for required in ["id", "description", "trigger", "action", "authority"] where !names.contains(required) {
            throw .invalidInput("the CSV header has no '\(required)' column (it has: \(names.joined(separator: ", ")))")
        }
        var schedule = RetentionSchedule(title: title, sources: [], classes: [], rules: [])
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func value(_ column: String) -> String? {
                guard let index = names.firstIndex(of: column), index < row.count else { return nil }
                let text = row[index].trimmingCharacters(in: .whitespacesAndNewlines)
                return text.isEmpty ? nil : text
            }
            func required(_ column: String) throws(DocketError) -> String {
                guard let text = value(column) else { throw .invalidInput("line \(line): no \(column)") }
                return text
            }
            let id = try required("id")
            guard ArchiveStore.isSafeName(id) else {
                throw .invalidInput("line \(line): '\(id)' is not a class id (letters, digits, '.', '-', '_')")
            }
            if value("trigger") == "source" {
                schedule.sources.append(
                    RetentionSource(id: id, citation: try required("description"), href: value("authority")))
                continue
            }
            guard let trigger = RetentionTrigger(rawValue: try required("trigger")) else {
                throw .invalidInput(
                    "line \(line): trigger must be one of "
                        + RetentionTrigger.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let action = RetentionAction(rawValue: try required("action")) else {
                throw .invalidInput(
                    "line \(line): action must be one of "
                        + RetentionAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let period = try value("period").map { (text: String) throws(DocketError) -> RetentionPeriod in
                guard let period = RetentionPeriod(iso: text) else {
                    throw .invalidInput("line \(line): period '\(text)' is not like P6Y, P18M or P30D")
                }
                return period
            }
            schedule.classes.append(
                RetentionClass(
                    id: id, description: try required("description"), trigger: trigger, action: action, period: period,
                    authority: try required("authority"), authoritySource: value("source")))
            var kinds: [DocumentKind?] = []
            for name in (value("kinds") ?? "").split(whereSeparator: { $0 == ";" || $0 == " " }) {
                guard let kind = DocumentKind(rawValue: String(name)) else {
                    throw .invalidInput(
                        "line \(line): '\(name)' is not a document kind ("
                            + DocumentKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                kinds.append(kind)
            }
            if kinds.isEmpty { kinds = [nil] }
            let series = value("series")
            let workflow = value("workflow")
            for kind in kinds where series != nil || workflow != nil || kind != nil {
                schedule.rules.append(RetentionRule(retentionClass: id, series: series, workflow: workflow, kind: kind))
            }
        }
        guard !schedule.classes.isEmpty else { throw .invalidInput("the CSV file has no class rows") }
        try schedule.checkPeriods()
        try schedule.checkRules()
        return schedule
    }
}

/// RFC 4180 CSV: fields separated by commas, quoted with `"` when they hold a comma, a quote
/// (doubled) or a line break; lines end with CRLF or LF.
enum CSVRows {
    static func parse(_ text: String) throws(DocketError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var characters = text.makeIterator()
        var line = 1
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where afterQuote:
                field.append("\"")  // a doubled quote inside a quoted field
                quoted = true
                afterQuote = false
            case "\"" where field.isEmpty:
                quoted = true
            case ",":
                row.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                afterQuote = false
                line += 1
            default:
                guard !afterQuote else {
                    throw .invalidInput("CSV line \(line): text after a closing quote; double a quote inside a field")
                }
                field.append(character)
            }
        }
        if quoted { throw .invalidInput("CSV line \(line): a quoted field is never closed") }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
