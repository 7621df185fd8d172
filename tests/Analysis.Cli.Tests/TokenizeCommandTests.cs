using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>`analysis tokenize` end to end, in process, on the committed tokenizer test data.</summary>
public class TokenizeCommandTests
{
    private static readonly string Data = Path.Combine(Cli.Root, "tests", "Analysis.Tokenizers.Tests", "Data");

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => Cli.Run(args);

    [Fact]
    public async Task Json_lines_carry_ids_tokens_and_offsets_into_the_text()
    {
        var (code, output, _) = await Run("tokenize", "--tokenizer", Path.Combine(Data, "gpt2"), "--text", "Hello world", "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal([15496, 995], json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["Hello", "Ġworld"], json.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0, 5, 5, 11], json.RootElement.GetProperty("offsets").EnumerateArray().SelectMany(o => o.EnumerateArray()).Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task Table_output_shows_special_tokens_and_covered_text()
    {
        var (code, output, _) = await Run("tokenize", "--tokenizer", Path.Combine(Data, "bert-minilm", "tokenizer.json"), "--text", "Héllo");
        Assert.Equal(0, code);
        Assert.Contains("(special)", output);
        Assert.Contains("[0, 5)  \"Héllo\"", output);
        var (_, plain, _) = await Run("tokenize", "--tokenizer", Path.Combine(Data, "llama2c", "tok512.bin"), "--text", "Once", "--no-special");
        Assert.DoesNotContain("(special)", plain);
    }

    [Fact]
    public async Task Missing_or_malformed_tokenizer_is_exit_code_2_with_one_sentence()
    {
        var (code, _, error) = await Run("tokenize", "--tokenizer", "/no/such/tokenizer.json", "--text", "x");
        Assert.Equal(global::Analysis.Cli.ExitCodes.BadInput, code);
        Assert.Contains("does not exist", error);
        var bad = Path.Combine(Path.GetTempPath(), $"bad-tokenizer-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, """{"model": {"type": "Nope"}}""");
        try
        {
            (code, _, error) = await Run("tokenize", "--tokenizer", bad, "--text", "x");
            Assert.Equal(global::Analysis.Cli.ExitCodes.BadInput, code);
            Assert.Contains("model at $.model: unknown model type 'Nope'", error);
        }
        finally { File.Delete(bad); }
    }
}
