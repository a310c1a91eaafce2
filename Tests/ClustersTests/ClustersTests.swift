import Testing
@testable import Clusters
