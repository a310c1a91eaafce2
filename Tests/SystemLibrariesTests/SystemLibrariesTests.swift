import CCairo
import CGEOS
import CProj
import CSpatiaLite
import Testing

/// Each system library links and answers: the shims are right and the packages installed.
@Suite struct SystemLibrariesTests {
    @Test func proj() {
        let info = proj_info()
        #expect(info.major >= 9)
    }

    @Test func geos() {
        let version = String(cString: GEOSversion())
        #expect(version.hasPrefix("3."))
    }

    @Test func spatialite() {
        #expect(String(cString: spatialite_version()).hasPrefix("5."))
    }

    @Test func cairoDraws() throws {
        let surface = try #require(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8))
        defer { cairo_surface_destroy(surface) }
        let cr = try #require(cairo_create(surface))
        defer { cairo_destroy(cr) }
        cairo_set_source_rgba(cr, 1, 0, 0, 1)
        cairo_paint(cr)
        cairo_surface_flush(surface)
        let pixel = cairo_image_surface_get_data(surface).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
        #expect(pixel == 0xFFFF_0000)  // premultiplied ARGB, opaque red
    }
}
