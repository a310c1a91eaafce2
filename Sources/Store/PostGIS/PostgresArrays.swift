import PostgresNIO

/// A one-dimensional array whose elements may be NULL, bound as one parameter in PostgreSQL's
/// binary array format: how a batch of reports goes into `INSERT ... SELECT FROM unnest($1, ...)`
/// (postgres-nio encodes arrays of non-optional values only).
struct NullableArray<Element: PostgresNonThrowingEncodable & PostgresArrayEncodable>: PostgresNonThrowingEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) { self.elements = elements }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // Dimensions (0 for an empty array), whether any element is NULL, the element type.
        buffer.writeInteger(Int32(elements.isEmpty ? 0 : 1))
        buffer.writeInteger(Int32(elements.contains { $0 == nil } ? 1 : 0))
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        // The one dimension's length and lower bound.
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(Int32(1))
        for element in elements {
            if let element {
                // Length-prefixed, as every bound value is.
                let lengthIndex = buffer.writerIndex
                buffer.writeInteger(Int32(0))
                let start = buffer.writerIndex
                element.encode(into: &buffer, context: context)
                buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
    }
}
