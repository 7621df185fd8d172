namespace Analysis.Tokenizers.Tests;

/// <summary>Malformed or unsupported files fail at load with one sentence naming the component and JSON path.</summary>
public class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tokenizer-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TokenizerFormatException LoadFails(string json)
    {
        var path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, json);
        return Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path));
    }

    private const string Vocab = """{"a": 0, "b": 1, "ab": 2}""";

    [Fact]
    public void Broken_json_names_the_line()
    {
        var e = LoadFails("""{"model": {"type": "BPE", "vocab": {"a": 0,}}""");
        Assert.Contains("broken JSON at line 1", e.Message);
        Assert.Contains("tokenizer.json", e.Message);
    }

    [Fact]
    public void Unknown_model_type_names_component_and_path()
    {
        var e = LoadFails("""{"model": {"type": "Magic", "vocab": {}}}""");
        Assert.Equal("model", e.Data["Component"]);
        Assert.Equal("$.model", e.Data["JsonPath"]);
        Assert.Contains("unknown model type 'Magic'", e.Message);
    }

    [Fact]
    public void Unknown_normalizer_inside_a_sequence_names_its_path()
    {
        var e = LoadFails($$$"""{"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Shout"}]}, "model": {"type": "BPE", "vocab": {{{Vocab}}}, "merges": []}}""");
        Assert.Equal("normalizer", e.Data["Component"]);
        Assert.Equal("$.normalizer.normalizers[1]", e.Data["JsonPath"]);
    }

    [Fact]
    public void Merge_with_unknown_token_names_the_merge()
    {
        var e = LoadFails($$$"""{"model": {"type": "BPE", "vocab": {{{Vocab}}}, "merges": ["a b", "a zz"]}}""");
        Assert.Equal("$.model.merges[1]", e.Data["JsonPath"]);
        Assert.Contains("unknown token 'zz'", e.Message);
    }

    [Fact]
    public void Unknown_pre_tokenizer_post_processor_and_decoder_are_rejected()
    {
        var model = $$$"""{"type": "BPE", "vocab": {{{Vocab}}}, "merges": []}""";
        Assert.Equal("pre_tokenizer", LoadFails($$$"""{"pre_tokenizer": {"type": "Nope"}, "model": {{{model}}}}""").Data["Component"]);
        Assert.Equal("post_processor", LoadFails($$$"""{"post_processor": {"type": "Nope"}, "model": {{{model}}}}""").Data["Component"]);
        Assert.Equal("decoder", LoadFails($$$"""{"decoder": {"type": "Nope"}, "model": {{{model}}}}""").Data["Component"]);
        Assert.Equal("$.pre_tokenizer.pattern", LoadFails($$$"""{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}, "model": {{{model}}}}""").Data["JsonPath"]);
    }

    [Fact]
    public void Missing_model_and_wrong_types_are_reported()
    {
        Assert.Contains("'model' is missing", LoadFails("""{"normalizer": null}""").Message);
        Assert.Equal("$.model.vocab[\"a\"]", LoadFails("""{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}""").Data["JsonPath"]);
        Assert.Equal("$.added_tokens[0]", LoadFails($$$"""{"added_tokens": [{"id": 5}], "model": {"type": "BPE", "vocab": {{{Vocab}}}, "merges": []}}""").Data["JsonPath"]);
    }

    [Fact]
    public void Absurdly_sparse_ids_are_rejected_before_allocating()
    {
        var e = LoadFails("""{"model": {"type": "WordLevel", "vocab": {"a": 0, "b": 2000000000}, "unk_token": "a"}}""");
        Assert.Equal("$.model.vocab", e.Data["JsonPath"]);
        Assert.Contains("far beyond", e.Message);
    }

    [Fact]
    public void Llama2c_file_whose_header_starts_with_a_brace_is_not_taken_for_json()
    {
        var bytes = File.ReadAllBytes(TestData.TokenizerPath("tok512"));
        BitConverter.GetBytes(123).CopyTo(bytes, 0); // max_token_length 123: first byte is '{'
        var path = Path.Combine(_dir, "model.tok");
        File.WriteAllBytes(path, bytes);
        Assert.Equal(TestData.Load("tok512").Encode("Once upon a time").Ids, Tokenizer.Load(path).Encode("Once upon a time").Ids);
    }

    [Fact]
    public void Truncated_llama2c_file_is_rejected_without_a_huge_allocation()
    {
        var original = File.ReadAllBytes(TestData.TokenizerPath("tok512"));
        var path = Path.Combine(_dir, "tokenizer.bin");
        File.WriteAllBytes(path, original[..1000]);
        Assert.Contains("not a llama2.c tokenizer.bin", Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path)).Message);
        var corrupt = (byte[])original.Clone();
        BitConverter.GetBytes(int.MaxValue).CopyTo(corrupt, 8); // first token's length
        File.WriteAllBytes(path, corrupt);
        Assert.Contains("claims 2147483647 bytes", Assert.Throws<TokenizerFormatException>(() => Tokenizer.Load(path)).Message);
    }

    [Fact]
    public void Missing_paths_are_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(Path.Combine(_dir, "nope.json")));
        Assert.Throws<FileNotFoundException>(() => Tokenizer.Load(_dir));
    }
}
