import Foundation

/// Escaping of text for the SVG, HTML and Markdown the report writes.
public enum Markup {
    /// `text` made safe as XML/HTML character data or as a quoted attribute value: & < > " '
    /// become entities, and characters XML 1.0 forbids (C0 controls other than tab, newline and
    /// carriage return; lone surrogates cannot occur in a Swift String) become U+FFFD, so that
    /// every document parses whatever a run name or label contains.
    public static func escapeXML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` as literal Markdown inline text: the characters that start emphasis, code, links,
    /// HTML or table cells are backslash-escaped, & < > become entities (Markdown renders them
    /// as the characters, never as markup), and line breaks become spaces (a paragraph or cell
    /// must stay one block). So "1.43%*" in a table stays an asterisk, not emphasis.
    public static func escapeMarkdown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "!", "~": out += "\\" + String(scalar)
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\r": out += " "
            case _ where scalar.value < 0x20 && scalar != "\t": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
