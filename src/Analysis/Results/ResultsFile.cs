using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Analysis.Results;

/// <summary>
/// An analysis output folder's results.json: run metadata plus one named entry per kind of result ("probes",
/// "scatters", "numberLines", …). Each analysis owns the shape of its own entries; the report reads the ones it knows.
/// </summary>
public sealed class ResultsFile
{
    /// <summary>The file name analysis commands write into their output directory.</summary>
    public const string FileName = "results.json";

    /// <summary>The JSON conventions of every results file: indented, camelCase, NaN and infinities allowed.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly JsonObject _root;

    private ResultsFile(string directory, JsonObject root) => (Directory, _root) = (directory, root);

    /// <summary>The folder the file was read from.</summary>
    public string Directory { get; }

    /// <summary>Run metadata shown in the report (dataset, model, command line, versions, times).</summary>
    public IReadOnlyDictionary<string, string> Metadata =>
        _root["metadata"]?.Deserialize<Dictionary<string, string>>(Json) ?? [];

    /// <summary>The entry of that name, or default when the file has none.</summary>
    public T? Get<T>(string name) => _root[name] is { } node ? node.Deserialize<T>(Json) : default;

    /// <summary>Writes DIR/results.json (atomically) with the metadata and the named entries.</summary>
    public static void Save(string directory, IReadOnlyDictionary<string, string> metadata, params (string Name, object Value)[] entries)
    {
        var root = new JsonObject { ["metadata"] = JsonSerializer.SerializeToNode(metadata, Json) };
        foreach (var (name, value) in entries) root[name] = JsonSerializer.SerializeToNode(value, value.GetType(), Json);
        System.IO.Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path + ".tmp", root.ToJsonString(Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads DIR/results.json, or null when the folder has none.</summary>
    public static ResultsFile? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return new ResultsFile(directory, JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object"));
        }
        catch (JsonException e) { throw new BadInputException($"{path} is not a valid results file ({e.Message}); re-run the analysis that wrote it.", e); }
    }
}
