/// A report as a client sends it, before any checking: Open311 POST fields, from a form, JSON
/// or a web page. Strings stay strings until `Intake` has checked them.
public struct Submission: Sendable, Hashable {
    public var serviceCode: String?
    public var lat: String?
    public var long: String?
    public var addressString: String?
    public var addressId: String?
    public var description: String?
    /// `attribute[CODE]` and `attribute[CODE][]` values by code.
    public var attributes: [String: [String]]
    public var mediaURL: String?
    /// A photo uploaded with the report (multipart `media`), already checked.
    public var photo: Photo?
    public var email: String?
    public var phone: String?
    public var firstName: String?
    public var lastName: String?
    public var deviceId: String?
    public var accountId: String?

    public init(serviceCode: String? = nil, lat: String? = nil, long: String? = nil, addressString: String? = nil,
                addressId: String? = nil, description: String? = nil, attributes: [String: [String]] = [:], mediaURL: String? = nil,
                email: String? = nil, phone: String? = nil, firstName: String? = nil, lastName: String? = nil,
                deviceId: String? = nil, accountId: String? = nil) {
        self.serviceCode = serviceCode; self.lat = lat; self.long = long; self.addressString = addressString
        self.addressId = addressId; self.description = description; self.attributes = attributes; self.mediaURL = mediaURL
        self.email = email; self.phone = phone; self.firstName = firstName; self.lastName = lastName
        self.deviceId = deviceId; self.accountId = accountId
    }

    /// Open311's form fields, by name (`attribute[x]`, `attribute[x][]` included). Empty values
    /// count as absent, as the spec says of optional arguments.
    public init(fields: [(String, String)]) {
        self.init()
        for (name, raw) in fields {
            let value = raw
            if let code = Self.attributeCode(name) {
                if !value.isEmpty { attributes[code, default: []].append(value) }
                continue
            }
            let v: String? = value.isEmpty ? nil : value
            switch name {
            case "service_code": serviceCode = v
            case "lat": lat = v
            case "long": long = v
            case "address_string": addressString = v
            case "address_id": addressId = v
            case "description": description = v
            case "media_url": mediaURL = v
            case "email": email = v
            case "phone": phone = v
            case "first_name": firstName = v
            case "last_name": lastName = v
            case "device_id": deviceId = v
            case "account_id": accountId = v
            default: break  // api_key, jurisdiction_id and unknown fields are not part of the report
            }
        }
    }

    /// "attribute[depth]" and "attribute[elements][]" → the code.
    static func attributeCode(_ name: String) -> String? {
        guard name.hasPrefix("attribute["), let close = name.firstIndex(of: "]") else { return nil }
        let code = name[name.index(name.startIndex, offsetBy: 10)..<close]
        let rest = name[name.index(after: close)...]
        guard !code.isEmpty, rest.isEmpty || rest == "[]" else { return nil }
        return String(code)
    }
}

extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, line breaks). Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString on Linux and showed in intake profiles.
    public var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
