/// Line breaks as Docket keeps them: `\n` alone.
///
/// Browsers send a textarea's line breaks as CRLF (the HTML standard's form encoding), and a
/// file written on Windows has them too; a blank line between two paragraphs then arrives as
/// `\r\n\r\n`, which a reader looking for `\n\n` takes for one paragraph. Every text that comes
/// in from a person — form fields, API bodies, files read for report sections — is passed
/// through this first.
public enum LineEndings {
    /// `text` with every CRLF and every lone CR turned into LF.
    public static func normalised(_ text: String) -> String {
        guard text.contains("\r") else { return text }
        // "\r\n" is one Character (a grapheme cluster) in Swift: work on scalars.
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
