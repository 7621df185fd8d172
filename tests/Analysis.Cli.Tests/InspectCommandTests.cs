using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>`analysis inspect` run in-process on the committed reference models.</summary>
public sealed class InspectCommandTests
{
    internal static readonly string Root = Cli.Root;

    internal static string Model(string name) => Path.Combine(Root, "onnx-models", name, "model.onnx");

    internal static Task<(int Code, string Out, string Err)> Run(params string[] args) => Cli.Run(args);

    [Fact]
    public async Task PrintsSignatureOperatorsWeightsAndHooks()
    {
        var (code, output, error) = await Run("inspect", Model("stories260k"));
        Assert.True(code == 0, error);
        Assert.Contains("opsets     ai.onnx 14", output);
        Assert.Contains("input_ids  int64[batch, sequence]", output);
        Assert.Contains("logits  float[batch, sequence, 512]", output);
        Assert.Contains("5 blocks, pre-norm, sequential residual, RMSNorm", output);
        Assert.Matches(@"blocks\.4\.hook_resid_post\s+/layers\.4/Add_1_output_0  float\[batch, sequence, 64\]", output);
        Assert.Matches(@"blocks\.0\.attn\.hook_pattern\s+\S+  float\[batch, 8, sequence, sequence\]", output);
        Assert.Contains("ln_final.hook_normalized", output);
        Assert.DoesNotContain("unavailable", output);
    }

    [Fact]
    public async Task JsonIsCompleteAndConsistent()
    {
        var (code, output, error) = await Run("inspect", Model("bert-tiny"), "--json");
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(14, json.GetProperty("opsets").GetProperty("ai.onnx").GetInt64());
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], json.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        var operators = json.GetProperty("operators").EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.Equal(json.GetProperty("nodeCount").GetInt32(), operators);
        Assert.True(json.GetProperty("inlineWeightBytes").GetInt64() > json.GetProperty("parameters").GetInt64() * 4 - 4096);
        Assert.Equal(0, json.GetProperty("externalWeightBytes").GetInt64());
        Assert.Equal(15, json.GetProperty("hooks").GetArrayLength()); // embed + 2 blocks x 7
        var unavailable = Assert.Single(json.GetProperty("unavailableHooks").EnumerateArray());
        Assert.Equal("ln_final.hook_normalized", unavailable.GetProperty("name").GetString());
        Assert.Contains("post-norm", unavailable.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task OptimumExportsShowTheirCacheInputsAndHooks()
    {
        var (code, output, error) = await Run("inspect", Model("gpt2-tiny-optimum"));
        Assert.True(code == 0, error);
        Assert.Contains("past_key_values.2.value  float[batch_size, 4, past_sequence_length, 16]", output);
        Assert.Contains("3 blocks, pre-norm, sequential residual, LayerNorm", output);
        Assert.Matches(@"blocks\.2\.attn\.hook_pattern\s+\S+  float\[batch_size, 4, sequence_length, past_sequence_length \+ sequence_length\]", output);
        Assert.DoesNotContain("branch ", output);

        var merged = Path.Combine(Root, "onnx-models", "gpt2-tiny-optimum", "decoder_model_merged.onnx");
        (code, output, error) = await Run("inspect", merged);
        Assert.True(code == 0, error);
        Assert.Contains("branch     use_cache_branch = false: If node 'optimum::if' replaced by its else branch", output);
        Assert.Contains("3 blocks, pre-norm, sequential residual, LayerNorm", output);
        Assert.Matches(@"blocks\.2\.hook_resid_post\s+/transformer/h\.2/Add_1_output_0  float\[batch_size, sequence_length, 64\]", output);
        Assert.DoesNotContain("unavailable", output);
    }

    [Fact]
    public async Task ParallelResidualModelsListUnavailableHooksWithReasons()
    {
        var (code, output, _) = await Run("inspect", Model("neox-tiny"));
        Assert.Equal(0, code);
        Assert.Contains("unavailable hooks", output);
        Assert.Contains("blocks.2.hook_resid_mid: parallel residual", output);
    }

    [Fact]
    public async Task NonOnnxFileIsExitTwoWithOneSentence()
    {
        var path = Path.Combine(Root, "onnx-models", "stories260k", "config.json");
        var (code, output, error) = await Run("inspect", path);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(path, error);
        Assert.Contains("not an ONNX model", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task MissingFileIsExitTwo()
    {
        var (code, _, error) = await Run("inspect", "/no/such/model.onnx");
        Assert.Equal(2, code);
        Assert.Contains("/no/such/model.onnx", error);
    }
}
