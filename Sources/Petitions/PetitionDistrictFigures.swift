import Foundation
import Store

/// One district's signatures on a petition, as the API, the export, the SVG map and the WMS
/// layer `petition-signatures` show them.
public struct PetitionDistrictFigure: Sendable, Hashable {
    public var code: String
    /// Nil for a code signatures carry that no district has any more.
    public var name: String?
    public var signatures: Int
    /// Residents (`municipality.district_populations`), where configured.
    public var population: Int?

    public init(code: String, name: String?, signatures: Int, population: Int?) {
        self.code = code; self.name = name; self.signatures = signatures; self.population = population
    }

    /// Valid signatures per 1,000 residents, where the population is known.
    public var perThousand: Double? { population.map { Double(signatures) * 1_000 / Double($0) } }
}

extension Petitions {
    /// Every district of the municipality (0 where nobody signed), then any code that signatures
    /// carry and no district has now, sorted by code.
    public func districtFigures(_ counts: PetitionSignatureCounts, districts: [(code: String, name: String)]) -> [PetitionDistrictFigure] {
        var names: [String: String] = [:]
        for d in districts where names[d.code] == nil { names[d.code] = d.name }
        return Set(names.keys).union(counts.byDistrict.keys).sorted().map { code in
            PetitionDistrictFigure(code: code, name: names[code], signatures: counts.byDistrict[code] ?? 0,
                                   population: settings.districtPopulations[code])
        }
    }
}
