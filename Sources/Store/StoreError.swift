/// Errors of the store, each with a message for the person who ran the command.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file cannot be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The SpatiaLite extension cannot be loaded into SQLite.
    case spatiaLiteUnavailable(String)
    /// A district with this code exists already (or twice in one import).
    case duplicateDistrictCode(String)
    /// Districts exist and the import was not asked to replace them.
    case districtsExist(count: Int)
    /// A shapefile cannot be read.
    case unreadableShapefile(path: String, reason: String)
    /// The row changed under the request (another writer was first).
    case conflict(String)
    /// The database cannot be reached now (PostgreSQL down or restarting); try again shortly.
    case unavailable(String)
    /// Any other database failure.
    case database(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the database \(path): \(reason)"
        case .spatiaLiteUnavailable(let reason):
            "cannot load SpatiaLite (mod_spatialite): \(reason). Install libsqlite3-mod-spatialite (Tools/bootstrap does)."
        case .duplicateDistrictCode(let code): "a district with code '\(code)' exists already"
        case .districtsExist(let count):
            "the database holds \(count) district\(count == 1 ? "" : "s") already; pass --replace to replace them all"
        case .unreadableShapefile(let path, let reason): "cannot read the shapefile \(path): \(reason)"
        case .conflict(let reason): reason
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .database(let reason): "database error: \(reason)"
        }
    }
}
