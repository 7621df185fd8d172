using System.Text.Json;

namespace Analysis.Tokenizers.Json;

/// <summary>A JSON value of tokenizer.json with its path, so every load error names the component and JSON path.</summary>
internal readonly struct ConfigNode(JsonElement element, string path, string file, string component)
{
    public JsonElement Element { get; } = element;
    public string Path { get; } = path;
    public string Component { get; } = component;
    public string File { get; } = file;

    public ConfigNode As(string component) => new(Element, Path, File, component);

    public TokenizerFormatException Error(string problem, Exception? inner = null) => TokenizerFormatError.Create(File, Component, Path, problem, inner);

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public ConfigNode? Optional(string name) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? new ConfigNode(v, $"{Path}.{name}", File, Component) : null;

    public ConfigNode Required(string name) =>
        Optional(name) ?? throw Error($"the required field '{name}' is missing or null; add it as the Hugging Face tokenizers format specifies");

    public string Type()
    {
        var t = Optional("type");
        return t?.String() ?? throw Error("the 'type' field is missing; every component needs one");
    }

    public string String() => Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Error($"expected a string, found {Element.ValueKind}");

    public int Int()
    {
        if (Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var v)) return v;
        throw Error($"expected a 32-bit integer, found {Element.ValueKind} {Element.GetRawText()}");
    }

    public double Double() => Element.ValueKind == JsonValueKind.Number ? Element.GetDouble() : throw Error($"expected a number, found {Element.ValueKind}");

    public bool Bool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"expected true or false, found {Element.ValueKind}"),
    };

    public string? OptionalString(string name) => Optional(name)?.String();
    public bool OptionalBool(string name, bool fallback) => Optional(name)?.Bool() ?? fallback;
    public int? OptionalInt(string name) => Optional(name)?.Int();

    /// <summary>A token id: a non-negative 32-bit integer (a negative one would reach the model as an index).</summary>
    public int Id() => Int() is var id and >= 0 ? id : throw Error($"token id {Element.GetRawText()} is negative");

    public int? OptionalId(string name) => Optional(name)?.Id();

    public IEnumerable<ConfigNode> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array) throw Error($"expected an array, found {Element.ValueKind}");
        var i = 0;
        foreach (var e in Element.EnumerateArray()) yield return new ConfigNode(e, $"{Path}[{i++}]", File, Component);
    }

    public IEnumerable<(string Name, ConfigNode Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error($"expected an object, found {Element.ValueKind}");
        foreach (var p in Element.EnumerateObject()) yield return (p.Name, new ConfigNode(p.Value, $"{Path}[{JsonSerializer.Serialize(p.Name)}]", File, Component));
    }

    /// <summary>A Split/Replace pattern: <c>{"String": s}</c> or <c>{"Regex": r}</c>.</summary>
    public (string Text, bool IsRegex) Pattern()
    {
        if (Optional("String") is { } s) return (s.String(), false);
        if (Optional("Regex") is { } r) return (r.String(), true);
        throw Error("a pattern must be {\"String\": ...} or {\"Regex\": ...}");
    }
}
