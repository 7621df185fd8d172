namespace Analysis.Tokenizers.Tests;

/// <summary>
/// The classes of bug the tokenizer fuzzer (<see cref="FuzzTests"/>) found: numbers and strings in a tokenizer.json that
/// crashed loading with another exception, or loaded and then produced ids no model has. Each is now refused at load with
/// one sentence naming the component and JSON path.
/// </summary>
public sealed class UntrustedIdTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenizer-ids-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Model = """{"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "<s>": 3}, "merges": ["a b"]}""";

    private TokenizerFormatException LoadFails(string json)
    {
        var path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, json);
        return Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
    }

    private static string Template(int id) =>
        $$$$"""{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"<s>": {"id": "<s>", "ids": [{{{{id}}}}], "tokens": ["<s>"]}}}""";

    [Fact]
    public void AnEmptyMergeIsAFormatErrorNotAnIndexOutOfRange()
    {
        var e = LoadFails("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [""]}}""");
        Assert.Equal("$.model.merges[0]", e.Data["JsonPath"]);
    }

    [Fact]
    public void ANegativeSpecialTokenIdIsRefused()
    {
        // Before: it loaded, and every encoding began with the id -1.
        var e = LoadFails($$$"""{"post_processor": {{{Template(-1)}}}, "model": {{{Model}}}}""");
        Assert.StartsWith("$.post_processor.special_tokens[", (string)e.Data["JsonPath"]!);
        Assert.EndsWith("].ids[0]", (string)e.Data["JsonPath"]!);
        Assert.Contains("negative", e.Message);
        Assert.Contains("negative", LoadFails($$$"""{"post_processor": {"type": "BertProcessing", "cls": ["<s>", -5], "sep": ["<s>", 3]}, "model": {{{Model}}}}""").Message);
    }

    [Fact]
    public void ASpecialTokenIdBeyondTheVocabularyIsRefused()
    {
        var e = LoadFails($$$"""{"post_processor": {{{Template(151)}}}, "model": {{{Model}}}}""");
        Assert.Equal("post_processor", e.Data["Component"]);
        Assert.Contains("special token id 151 is not in the vocabulary (4 ids)", e.Message);
    }

    [Fact]
    public void APadIdOutsideTheVocabularyIsRefused()
    {
        Assert.Contains("negative", LoadFails($$$"""{"padding": {"pad_id": -1}, "model": {{{Model}}}}""").Message);
        Assert.Contains("pad_id 40 is not in the vocabulary", LoadFails($$$"""{"padding": {"pad_id": 40}, "model": {{{Model}}}}""").Message);
    }

    [Fact]
    public void TheSameFileWithValidIdsLoads()
    {
        var path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, $$$"""{"post_processor": {{{Template(3)}}}, "padding": {"pad_id": 0}, "model": {{{Model}}}}""");
        var tokenizer = Tokenizer.Load(path);
        Assert.Equal([3, 2], tokenizer.Encode("ab").Ids);
        Assert.Equal(0, tokenizer.PadId);
    }
}
