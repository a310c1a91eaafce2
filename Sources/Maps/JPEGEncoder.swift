import CJPEG
import Foundation

/// Encodes premultiplied ARGB32 pixels as a baseline JPEG with libjpeg-turbo, in memory.
/// JPEG has no alpha: pixels are composed over `background` first.
enum JPEGEncoder {
    static func encode(pixels: UnsafePointer<UInt32>, strideInWords: Int, width: Int, height: Int,
                       background: Colour, quality: Int32 = 85) -> Data {
        var compressor = jpeg_compress_struct()
        var errors = jpeg_error_mgr()
        // The default error handler exits the process; with valid sizes and an in-memory
        // destination libjpeg has nothing to fail on, so it is kept.
        compressor.err = jpeg_std_error(&errors)
        jpeg_CreateCompress(&compressor, JPEG_LIB_VERSION, MemoryLayout<jpeg_compress_struct>.size)
        defer { jpeg_destroy_compress(&compressor) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        jpeg_mem_dest(&compressor, &buffer, &size)
        compressor.image_width = JDIMENSION(width)
        compressor.image_height = JDIMENSION(height)
        compressor.input_components = 3
        compressor.in_color_space = JCS_RGB
        jpeg_set_defaults(&compressor)
        jpeg_set_quality(&compressor, quality, 1)
        jpeg_start_compress(&compressor, 1)
        let bgR = background.red * 255, bgG = background.green * 255, bgB = background.blue * 255
        var row = [UInt8](repeating: 0, count: width * 3)
        while compressor.next_scanline < compressor.image_height {
            let y = Int(compressor.next_scanline)
            let source = pixels + y * strideInWords
            for x in 0..<width {
                let p = source[x]
                let a = Double(p >> 24) / 255
                // Premultiplied: colour + background × (1 − alpha).
                row[3 * x] = UInt8(min(255, (Double((p >> 16) & 0xFF) + bgR * (1 - a)).rounded()))
                row[3 * x + 1] = UInt8(min(255, (Double((p >> 8) & 0xFF) + bgG * (1 - a)).rounded()))
                row[3 * x + 2] = UInt8(min(255, (Double(p & 0xFF) + bgB * (1 - a)).rounded()))
            }
            row.withUnsafeMutableBufferPointer { rowBuffer in
                var rowPointer: JSAMPROW? = rowBuffer.baseAddress
                _ = jpeg_write_scanlines(&compressor, &rowPointer, 1)
            }
        }
        jpeg_finish_compress(&compressor)
        guard let buffer else { return Data() }
        let data = Data(bytes: buffer, count: Int(size))
        free(buffer)
        return data
    }
}
