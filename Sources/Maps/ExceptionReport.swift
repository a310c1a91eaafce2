import Foundation

/// The XML forms of a service exception: WMS 1.3.0's `ServiceExceptionReport` in the
/// `http://www.opengis.net/ogc` namespace, and WMS 1.1.1's, which has no namespace and a DTD.
public enum ExceptionReport {
    public static func xml(_ error: WMSError, version: WMSVersion) -> String {
        var attributes = " code=\"\(XML.escape(error.code.name(for: version)))\""
        if let locator = error.locator { attributes += " locator=\"\(XML.escape(locator))\"" }
        let body = "  <ServiceException\(attributes)>\(XML.escape(error.message))</ServiceException>\n"
        switch version {
        case .v130:
            return """
            <?xml version="1.0" encoding="UTF-8"?>
            <ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">
            \(body)</ServiceExceptionReport>

            """
        case .v111:
            return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE ServiceExceptionReport SYSTEM "http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd">
            <ServiceExceptionReport version="1.1.1">
            \(body)</ServiceExceptionReport>

            """
        }
    }

    /// The MIME type of the XML form: `text/xml` in 1.3.0, `application/vnd.ogc.se_xml` in 1.1.1.
    public static func mimeType(_ version: WMSVersion) -> String {
        version == .v130 ? "text/xml" : "application/vnd.ogc.se_xml"
    }
}

enum XML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 has no place for most control characters: drop them.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
