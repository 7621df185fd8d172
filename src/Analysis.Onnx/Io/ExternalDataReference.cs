using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>Where an initializer's bytes live outside the model file (ONNX external data: location, offset, length).</summary>
/// <param name="Tensor">Name of the tensor.</param>
/// <param name="Location">Path as written in the model, relative to the model's folder (never absolute, never with '..').</param>
/// <param name="Offset">Byte offset into the file.</param>
/// <param name="Length">Byte count, or null when the tensor runs to the end of the file.</param>
public sealed record ExternalDataReference(string Tensor, string Location, long Offset, long? Length)
{
    internal static bool IsExternal(TensorProto t) => t.HasDataLocation && t.DataLocation == TensorProto.Types.DataLocation.External;

    internal static ExternalDataReference Parse(TensorProto t, string modelName)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var e in t.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseNumber(e.Value, "offset", t.Name, modelName); break;
                case "length": length = ParseNumber(e.Value, "length", t.Name, modelName); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new OnnxFormatException($"Tensor '{t.Name}' in '{modelName}' is marked as external data but has no 'location'; re-export the model.");
        // Absolute and climbing locations are refused as soon as they are read, whatever is done with the model next.
        ContainedPath.CheckSyntax(location, Describe(t.Name, modelName));
        return new ExternalDataReference(t.Name, location, offset, length);
    }

    /// <summary>How messages about a tensor's external data name it.</summary>
    internal static string Describe(string tensor, string modelName) => $"The external data of tensor '{tensor}' in '{modelName}'";

    private static long ParseNumber(string text, string key, string tensor, string modelName) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new OnnxFormatException($"Tensor '{tensor}' in '{modelName}' has external data {key} '{text}', which is not a non-negative integer; re-export the model.");
}
