import Foundation

/// The demo's email from the Commissioners: a reply to the third update, with the response as
/// a PDF attachment, written the way a mail client would (multipart/mixed, base64).
enum DemoMail {
    /// The message, dated `sent` (RFC 5322 date), naming the submission in its subject.
    static func commissionersReply(
        reference: String, ordinal: String, responseText: String, sent: Date, fileName: String
    ) -> [UInt8] {
        let pdf = DemoPDF.document(text: responseText)
        let boundary = "=_docket_demo_\(reference)"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let date = formatter.string(from: sent)
        let base64 = Data(pdf).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let lines = [
            "From: Best Value Commissioners <commissioners@example.gov.uk>",
            "To: Governance Team <docket@council.example>",
            "Subject: \(reference): the Commissioners' response to the \(ordinal) progress update",
            "Date: \(date)",
            "Message-ID: <\(reference.lowercased())-response@commissioners.example.gov.uk>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Dear Mayor,",
            "",
            "Please find attached the Commissioners' response to the Council's \(ordinal) six-monthly",
            "progress update on its Best Value Plan. (Illustrative message written for the Docket demo.)",
            "",
            "Best Value Commissioners",
            "",
            "--\(boundary)",
            "Content-Type: application/pdf; name=\"\(fileName)\"",
            "Content-Disposition: attachment; filename=\"\(fileName)\"",
            "Content-Transfer-Encoding: base64",
            "",
            base64,
            "--\(boundary)--",
            "",
        ]
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}

/// A one-page PDF of plain text in Helvetica, for the demo's attachment (pdftotext reads it
/// back, so the response is found by its words like any PDF a council receives).
enum DemoPDF {
    static func document(text: String) -> [UInt8] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if line.count + word.count + 1 > 85 {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            lines.append(line)
        }
        let shown = lines.map { "(\(escaped($0))) Tj T*" }.joined(separator: "\n")
        let stream = "BT /F1 11 Tf 56 780 Td 15 TL\n\(shown)\nET\n"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (number, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(number + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            output += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(output.utf8)
    }

    /// Text as a PDF string literal in WinAnsi: backslash and parentheses escaped, curly quotes
    /// as their WinAnsi codes, anything else outside ASCII as '?'.
    private static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "(", ")": result += "\\\(scalar)"
            case "\u{2019}": result += "\\222"
            case "\u{2018}": result += "\\221"
            case "\u{201C}": result += "\\223"
            case "\u{201D}": result += "\\224"
            case "\u{2013}": result += "\\226"
            default: result += scalar.isASCII ? String(scalar) : "?"
            }
        }
        return result
    }
}
