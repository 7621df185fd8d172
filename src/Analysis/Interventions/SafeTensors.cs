using System.Buffers.Binary;
using System.Text.Json;

namespace Analysis.Interventions;

/// <summary>
/// The minimal safetensors reader directions need: the header (an 8-byte little-endian length, then JSON naming each
/// tensor's dtype, shape and byte range) and float32 rows of one tensor, read without loading the rest of the file.
/// </summary>
internal static class SafeTensors
{
    /// <summary>Row <paramref name="row"/> of the 2-D float32 tensor <paramref name="name"/>, and the tensor's shape.</summary>
    public static (float[] Row, long[] Shape) ReadRow(string path, string name, long row)
    {
        if (!File.Exists(path)) throw new BadInputException($"Safetensors file '{path}' does not exist; check the path.");
        using var file = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (file.Read(prefix) != 8) throw Corrupt(path, "it is shorter than its 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0 || headerLength > 100_000_000 || 8 + (long)headerLength > file.Length) throw Corrupt(path, $"its header length {headerLength} does not fit the file");
        var header = new byte[headerLength];
        file.ReadExactly(header);
        JsonElement entry;
        try
        {
            using var doc = JsonDocument.Parse(header);
            if (!doc.RootElement.TryGetProperty(name, out var found))
                throw new BadInputException($"'{path}' has no tensor '{name}' (it has {string.Join(", ", doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__"))}); pass an SAE file with a decoder W_dec.");
            entry = found.Clone();
        }
        catch (JsonException e) { throw Corrupt(path, $"its header is not JSON ({e.Message})"); }
        var dtype = entry.GetProperty("dtype").GetString();
        if (dtype != "F32") throw new BadInputException($"Tensor '{name}' in '{path}' is {dtype}; directions read float32 (F32) decoders only; save the SAE in float32.");
        var shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (shape.Length != 2) throw new BadInputException($"Tensor '{name}' in '{path}' has shape [{string.Join(", ", shape)}]; a decoder is 2-D [features, width].");
        if (offsets.Length != 2 || offsets[1] - offsets[0] != shape[0] * shape[1] * 4 || 8 + (long)headerLength + offsets[1] > file.Length)
            throw Corrupt(path, $"tensor '{name}' has byte range [{string.Join(", ", offsets)}] that does not match its shape or the file size");
        if (row < 0 || row >= shape[0]) throw new BadInputException($"Feature {row} is out of range: '{path}' has {shape[0]} features (0 to {shape[0] - 1}).");
        var values = new float[shape[1]];
        file.Position = 8 + (long)headerLength + offsets[0] + row * shape[1] * 4;
        file.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Safetensors data is little-endian; this reader runs on little-endian machines only.");
        return (values, shape);
    }

    private static BadInputException Corrupt(string path, string what) =>
        new($"'{path}' is not a valid safetensors file: {what}; re-save it with safetensors.");
}
