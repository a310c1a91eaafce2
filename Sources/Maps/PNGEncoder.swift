import CZlib
import Foundation

/// Encodes premultiplied ARGB32 pixels as a PNG with zlib, in memory: RGB when every pixel is
/// opaque, else RGBA (what Cairo's own writer chooses too).
///
/// Cairo's writer (libpng with its defaults: adaptive row filters, zlib level 6) was half the
/// time of an uncached GetMap of Boston's reports at zoom 14 (`perf`, BENCHMARKS.md). Map images
/// are runs of flat colour with antialiased edges; measured on such images, unfiltered rows at
/// zlib level 1 take a quarter of the time of level 6 and come out smaller than Cairo's files
/// (53 KB instead of 80 KB for that map): the filters PNG offers predict photographs, not maps.
enum PNGEncoder {
    /// zlib's fastest level: see above.
    static let compressionLevel: Int32 = 1

    static func encode(pixels: UnsafePointer<UInt32>, strideInWords: Int, width: Int, height: Int) -> Data {
        let opaque = isOpaque(pixels, strideInWords: strideInWords, width: width, height: height)
        let channels = opaque ? 3 : 4
        let rowBytes = 1 + width * channels
        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        raw.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let source = pixels + y * strideInWords
                var o = y * rowBytes + 1  // the row's filter byte stays 0: None
                if opaque {
                    for x in 0..<width {
                        let p = source[x]
                        out[o] = UInt8(truncatingIfNeeded: p >> 16); out[o + 1] = UInt8(truncatingIfNeeded: p >> 8); out[o + 2] = UInt8(truncatingIfNeeded: p)
                        o += 3
                    }
                } else {
                    for x in 0..<width {
                        let p = source[x], a = p >> 24
                        switch a {
                        case 0: break  // already zero
                        case 255:
                            out[o] = UInt8(truncatingIfNeeded: p >> 16); out[o + 1] = UInt8(truncatingIfNeeded: p >> 8)
                            out[o + 2] = UInt8(truncatingIfNeeded: p); out[o + 3] = 255
                        default:
                            // Cairo's own rounding when it un-premultiplies for PNG.
                            func straight(_ c: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: ((c & 0xFF) * 255 + a / 2) / a) }
                            out[o] = straight(p >> 16); out[o + 1] = straight(p >> 8); out[o + 2] = straight(p)
                            out[o + 3] = UInt8(truncatingIfNeeded: a)
                        }
                        o += 4
                    }
                }
            }
        }
        var png = Data()
        png.reserveCapacity(raw.count / 3 + 128)
        png.append(contentsOf: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header: [UInt8] = []
        bigEndian(UInt32(width), into: &header)
        bigEndian(UInt32(height), into: &header)
        header += [8, opaque ? 2 : 6, 0, 0, 0]  // 8 bits per channel, RGB or RGBA, deflate, no filter set, no interlace
        chunk("IHDR", header, into: &png)
        chunk("IDAT", deflate(raw), into: &png)
        chunk("IEND", [], into: &png)
        return png
    }

    static func isOpaque(_ pixels: UnsafePointer<UInt32>, strideInWords: Int, width: Int, height: Int) -> Bool {
        for y in 0..<height {
            let row = pixels + y * strideInWords
            var all: UInt32 = 0xFF00_0000
            for x in 0..<width { all &= row[x] }
            if all & 0xFF00_0000 != 0xFF00_0000 { return false }
        }
        return true
    }

    /// One zlib stream of `raw` (zlib cannot fail here: valid parameters, output room from
    /// `deflateBound`).
    static func deflate(_ raw: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, compressionLevel, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(raw.count))))
        var raw = raw
        let written = raw.withUnsafeMutableBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                CZlib.deflate(&stream, Z_FINISH)
                return output.count - Int(stream.avail_out)
            }
        }
        out.removeLast(out.count - written)
        return out
    }

    static func chunk(_ type: StaticString, _ body: [UInt8], into png: inout Data) {
        var head: [UInt8] = []
        bigEndian(UInt32(body.count), into: &head)
        type.withUTF8Buffer { head.append(contentsOf: $0) }
        var crc = head[4...].withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        crc = body.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        png.append(contentsOf: head)
        png.append(contentsOf: body)
        var tail: [UInt8] = []
        bigEndian(UInt32(crc), into: &tail)
        png.append(contentsOf: tail)
    }

    static func bigEndian(_ v: UInt32, into bytes: inout [UInt8]) {
        bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
