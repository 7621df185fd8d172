using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analysis.Sae;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each tensor's
/// name to its dtype, shape and [begin, end) byte offsets into the data that follows, then the data, contiguous and
/// little-endian. Only float32 tensors here. Written under a temporary name and renamed into place.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes named float32 tensors with their shapes (in the order given) and optional string metadata.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape, float[] Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, shape, data) in tensors)
        {
            if (shape.Aggregate(1L, (a, b) => a * b) != data.Length) throw new ArgumentException($"Tensor {name}: shape does not match its {data.Length} values.");
            var end = offset + 4L * data.Length;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces to a multiple of 8 bytes so the data starts aligned.
        var padded = (json.Length + 7) / 8 * 8;
        var temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            f.Write(len);
            f.Write(json);
            for (var i = json.Length; i < padded; i++) f.WriteByte((byte)' ');
            foreach (var (_, _, data) in tensors) f.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            f.Flush(true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads every float32 tensor: name → (shape, values). Other dtypes are refused with a clear message.</summary>
    public static Dictionary<string, (long[] Shape, float[] Data)> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new InvalidDataException($"{path} is not a safetensors file (shorter than its 8-byte header length).");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)(bytes.Length - 8)) throw new InvalidDataException($"{path} is not a safetensors file (header length {n} exceeds the file).");
        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan(8, (int)n)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new InvalidDataException($"{path} has a corrupt safetensors header ({e.Message}).", e); }
        var start = 8 + (long)n;
        var result = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is not JsonObject t) continue;
            var dtype = (string?)t["dtype"];
            if (dtype != "F32") throw new InvalidDataException($"{path}: tensor {name} is {dtype}; only F32 SAEs are supported (convert with safetensors in Python).");
            var shape = t["shape"]!.AsArray().Select(v => (long)v!).ToArray();
            var offsets = t["data_offsets"]!.AsArray().Select(v => (long)v!).ToArray();
            if (offsets.Length != 2 || offsets[1] < offsets[0] || start + offsets[1] > bytes.Length || (offsets[1] - offsets[0]) != 4 * shape.Aggregate(1L, (a, b) => a * b))
                throw new InvalidDataException($"{path}: tensor {name} has data offsets that do not match its shape or the file.");
            result[name] = (shape, MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)(start + offsets[0]), (int)(offsets[1] - offsets[0]))).ToArray());
        }
        return result;
    }
}
