using System.Text.Json;

namespace Analysis.Verification;

/// <summary>
/// A <c>reference.json</c> ("analysis-reference/1", written by tools/export): fixed inputs with the exporter's logits,
/// the tolerance, and optionally a greedy generation. See onnx-models/README.md for the format.
/// </summary>
public sealed record ModelReference(string Model, Tolerance Tolerance, IReadOnlyList<ReferenceCase> Cases, ReferenceGeneration? Generation)
{
    /// <summary>The format tag this reader understands.</summary>
    public const string Format = "analysis-reference/1";

    /// <summary>Reads and validates a reference.json file.</summary>
    public static ModelReference Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The reference file '{path}' does not exist; export one with tools/export (see onnx-models/README.md) or pass its path.", path);
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
            return Parse(doc.RootElement, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new BadInputException($"'{path}' is not a valid {Format} file ({e.Message}); re-export it with tools/export.", e);
        }
    }

    private static ModelReference Parse(JsonElement root, string path)
    {
        var format = Str(root, "format", path);
        if (format != Format)
            throw new BadInputException($"'{path}' has format '{format}' but this version reads '{Format}'; re-export it with tools/export.");
        var tol = Get(root, "tolerance", path);
        var tolerance = new Tolerance(Num(tol, "abs", path), tol.TryGetProperty("rel", out var rel) ? rel.GetDouble() : double.PositiveInfinity);
        var cases = new List<ReferenceCase>();
        foreach (var c in Arr(root, "cases", path).EnumerateArray()) cases.Add(ParseCase(c, path));
        if (cases.Count == 0) throw new BadInputException($"'{path}' has no cases; re-export it with tools/export.");
        ReferenceGeneration? generation = null;
        if (root.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Object)
        {
            generation = new ReferenceGeneration(
                Longs(Arr(g, "prompt_ids", path)), Longs(Arr(g, "new_ids", path)), (int)Num(g, "max_new_tokens", path),
                g.TryGetProperty("stop_ids", out var s) ? Longs(s) : [], g.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "");
            if (generation.PromptIds.Length == 0)
                throw new BadInputException($"'{path}': generation.prompt_ids is empty; re-export it with tools/export.");
        }
        return new ModelReference(root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "", tolerance, cases, generation);
    }

    private static ReferenceCase ParseCase(JsonElement c, string path)
    {
        var name = Str(c, "name", path);
        var inputs = new Dictionary<string, ReferenceInput>();
        foreach (var input in Get(c, "inputs", path).EnumerateObject())
        {
            // Rows of equal length: [[...], [...]] -> data [rows * columns], shape [rows, columns].
            var rows = input.Value.EnumerateArray().ToArray();
            if (rows.Length == 0) throw Bad(path, name, $"input '{input.Name}' has no rows");
            var columns = rows[0].GetArrayLength();
            var data = new long[checked(rows.Length * columns)];
            for (var r = 0; r < rows.Length; r++)
            {
                if (rows[r].GetArrayLength() != columns) throw Bad(path, name, $"input '{input.Name}' has rows of different lengths");
                var k = r * columns;
                foreach (var v in rows[r].EnumerateArray()) data[k++] = v.GetInt64();
            }
            inputs[input.Name] = new ReferenceInput(data, [rows.Length, columns]);
        }
        var shape = Longs(Arr(c, "logits_shape", path));
        var values = Arr(c, "logits", path);
        long count = 1;
        foreach (var d in shape) count = d < 0 ? -1 : checked(count * d);
        if (count != values.GetArrayLength())
            throw Bad(path, name, $"logits_shape [{string.Join(", ", shape)}] does not match the {values.GetArrayLength()} logits stored");
        var logits = new float[count];
        var i = 0;
        foreach (var v in values.EnumerateArray()) logits[i++] = v.GetSingle();
        return new ReferenceCase(name, inputs, shape, logits);
    }

    private static BadInputException Bad(string path, string caseName, string what) =>
        new($"'{path}', case '{caseName}': {what}; re-export it with tools/export.");

    private static JsonElement Get(JsonElement e, string name, string path) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v
            : throw new BadInputException($"'{path}' lacks the field '{name}'; it is not an {Format} file (re-export it with tools/export).");

    private static JsonElement Arr(JsonElement e, string name, string path)
    {
        var v = Get(e, name, path);
        return v.ValueKind == JsonValueKind.Array ? v
            : throw new BadInputException($"'{path}': the field '{name}' must be an array; re-export it with tools/export.");
    }

    private static string Str(JsonElement e, string name, string path) => Get(e, name, path).GetString() ?? "";

    private static double Num(JsonElement e, string name, string path) => Get(e, name, path).GetDouble();

    private static long[] Longs(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt64()).ToArray();
}
